package kakao

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/verify"
)

// maxProfileBytes caps Kakao's answer; a larger one is not a profile.
const maxProfileBytes = 16 << 10

// DefaultOrigins are Kakao's OTP profile origins, current and older: the
// contract's default of ROLLCALL_KAKAO_OTP_ORIGINS, which config states.
func DefaultOrigins() []string {
	return []string{"https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"}
}

// checkOTPURL parses raw when its origin is allowed and its path an OTP's; its
// errors wrap verify.ErrOriginRefused and never contain the URL.
func checkOTPURL(origins origin.List, raw string) (*url.URL, error) {
	u, err := origins.Match(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", verify.ErrOriginRefused, err)
	}
	if !isOTPPath(u.EscapedPath()) {
		return nil, fmt.Errorf("%w: path is not /otp/<id>/profile", verify.ErrOriginRefused)
	}
	return u, nil
}

// isOTPPath reports whether p is /otp/<id>/profile with an id that cannot walk
// elsewhere on the host (1–64 letters, digits, '-' or '_').
func isOTPPath(p string) bool {
	id, ok := strings.CutPrefix(p, "/otp/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/profile")
	if !ok || id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ProfileOptions tune the ProfileClient.
type ProfileOptions struct {
	// Timeout bounds one look-up from dial to the last body byte
	// (ROLLCALL_KAKAO_TIMEOUT); 0 leaves it to the caller's context.
	Timeout time.Duration
	// Transport replaces the pooled transport built by NewProfileClient,
	// e.g. with kakaotest.Server's, which trusts the fake's certificate.
	Transport http.RoundTripper
}

// ProfileClient reads the phone number behind an OTP URL from allowed origins
// only, following no redirect.
type ProfileClient struct {
	key      string
	keyQuery string // "rest_api_key=<key>", query-escaped
	origins  origin.List
	opts     ProfileOptions // a transport filled in
}

var _ verify.ProfileFetcher = (*ProfileClient)(nil)

// NewProfileClient returns a client that sends key to origins only; with an
// empty key every look-up fails with verify.ErrNoAPIKey.
func NewProfileClient(key string, origins origin.List, opts ProfileOptions) *ProfileClient {
	if opts.Transport == nil {
		opts.Transport = newTransport()
	}
	keyQuery := url.Values{"rest_api_key": {key}}.Encode()
	return &ProfileClient{key: key, keyQuery: keyQuery, origins: origins, opts: opts}
}

// newTransport ignores HTTP(S)_PROXY: the key goes to Kakao only.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.MaxIdleConns = 128
	t.MaxIdleConnsPerHost = 64
	t.MaxResponseHeaderBytes = 64 << 10
	return t
}

// Fetch returns the E.164 phone number of the profile behind otpURL; a non-200
// answer is a *ProfileStatusError, and no error contains the URL or the key.
func (c *ProfileClient) Fetch(ctx context.Context, otpURL string) (string, error) {
	u, err := checkOTPURL(c.origins, otpURL)
	if err != nil {
		return "", err
	}
	if c.key == "" {
		return "", verify.ErrNoAPIKey
	}
	if u.RawQuery == "" {
		// Kakao's OTP URLs carry none: Encode would spell the same.
		u.RawQuery = c.keyQuery
	} else {
		q := u.Query()
		q.Set("rest_api_key", c.key) // ours, whatever the URL said
		u.RawQuery = q.Encode()
	}
	phone, err := c.fetch(ctx, u.String())
	if err != nil {
		// Whatever a lower layer put in its message, the key and the OTP
		// URL do not leave this function.
		return "", verify.Redact(err, c.key, url.QueryEscape(c.key), otpURL)
	}
	return phone, nil
}

func (c *ProfileClient) fetch(ctx context.Context, target string) (string, error) {
	if deadline, ok := ctx.Deadline(); c.opts.Timeout > 0 && (!ok || time.Until(deadline) > c.opts.Timeout) {
		// Else the verification's own deadline comes first: no second timer.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", fmt.Errorf("build Kakao profile request: %w", stripURL(err))
	}
	req.Header.Set("Accept", "application/json")
	// The transport alone: it never follows a redirect, which could carry
	// the key to another host.
	resp, err := c.opts.Transport.RoundTrip(req)
	if err != nil {
		return "", fmt.Errorf("%w: %w", verify.ErrUnavailable, stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Read a little: Kakao's error body, and the connection reused.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return "", statusError(resp.StatusCode, body)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	if err != nil {
		return "", fmt.Errorf("%w: read body: %w", verify.ErrUnavailable, stripURL(err))
	}
	if len(body) > maxProfileBytes {
		return "", fmt.Errorf("%w: body larger than %d bytes", verify.ErrBadProfile, maxProfileBytes)
	}
	phone, err := parseProfile(body)
	if err != nil && ctx.Err() != nil {
		// An answer cut short by the deadline is a timeout, not a bad profile.
		return "", fmt.Errorf("%w: %w", verify.ErrUnavailable, ctx.Err())
	}
	return phone, err
}

// Probe learns, by asking for an OTP never issued, whether Kakao refuses the
// key from this server: a 401 is a *ProfileStatusError, any other answer nil
// ("not refused", not "works").
func (c *ProfileClient) Probe(ctx context.Context) error {
	if c.key == "" {
		return verify.ErrNoAPIKey
	}
	origins := c.origins.Strings()
	if len(origins) == 0 {
		return errors.New("no OTP origin is allowed")
	}
	_, err := c.Fetch(ctx, origins[0]+"/otp/000000000000000000000000/profile") // never issued
	status, answered := errors.AsType[*ProfileStatusError](err)
	switch {
	case answered && status.Code == http.StatusUnauthorized:
		return status
	case answered, err == nil, errors.Is(err, verify.ErrBadProfile), errors.Is(err, verify.ErrNoPhone):
		return nil // another answer
	}
	//lint:ignore ST1005 a proper noun starts the operator's message
	return fmt.Errorf("Kakao did not answer at %s: %w", origins[0], err)
}

// parseProfile reads the phone number of Kakao's OTP profile answer, in
// E.164. Every field of the answer may be null.
func parseProfile(body []byte) (string, error) {
	var p struct {
		PhoneNumber string `json:"phone_number"`
	}
	if body = bytes.TrimSpace(body); len(body) == 0 || body[0] != '{' {
		return "", fmt.Errorf("%w: not a JSON object", verify.ErrBadProfile)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		// json's messages quote no more than one character of the input.
		return "", fmt.Errorf("%w: %w", verify.ErrBadProfile, err)
	}
	if strings.TrimSpace(p.PhoneNumber) == "" {
		return "", verify.ErrNoPhone
	}
	phone, err := roster.KakaoPhone(p.PhoneNumber)
	if err != nil {
		return "", fmt.Errorf("%w: %w", verify.ErrBadProfile, err)
	}
	return phone, nil
}

// stripURL removes the request URL, which holds the OTP and the key, from
// net/http's *url.Error and keeps what went wrong.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}
