package kakao

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall/internal/directory"
)

// Defaults of ProfileOptions. Kakao gives a skill 5 s; rollcall aims to
// answer within 3 s end to end, the profile look-up included.
const (
	DefaultProfileTimeout  = 2500 * time.Millisecond
	DefaultMaxProfileBytes = 16 << 10
)

// Errors of the profile look-up. None of them, nor any error the client
// returns, contains the OTP URL or the REST API key.
var (
	// ErrNoAPIKey means no REST API key is configured; no request is made.
	ErrNoAPIKey = errors.New("no Kakao REST API key configured")
	// ErrNoPhone means the profile has no phone number (null, missing or
	// empty): the user did not consent to share it, or the app lacks it.
	ErrNoPhone = errors.New("the Kakao profile has no phone number")
	// ErrBadProfile means the answer is not a profile: not JSON, too large,
	// or a phone number that is not a mobile number.
	ErrBadProfile = errors.New("the Kakao profile answer is unusable")
	// ErrUnavailable means Kakao could not be reached in time.
	ErrUnavailable = errors.New("the Kakao profile API is unreachable")
)

// ProfileStatusError is a non-200 answer of the profile API (an expired or reused
// OTP, a wrong key, a redirect, an outage).
type ProfileStatusError struct {
	Code int
}

func (e *ProfileStatusError) Error() string {
	return fmt.Sprintf("the Kakao profile API answered HTTP %d", e.Code)
}

// Profile is what rollcall keeps of a Kakao profile: only the phone number,
// normalised to E.164, and the app user id for correlation.
type Profile struct {
	Phone     string
	AppUserID string
}

// ProfileOptions tune the ProfileClient. Zero fields take their defaults.
type ProfileOptions struct {
	// Timeout bounds one look-up from dial to the last body byte. A
	// caller's context whose deadline comes sooner bounds it instead, and
	// the client then sets no timer of its own.
	Timeout time.Duration
	// MaxBodyBytes caps the answer; a larger one is an error.
	MaxBodyBytes int64
	// Transport replaces the pooled transport built by NewProfileClient,
	// e.g. with kakaotest.Server's, which trusts the fake's certificate.
	Transport http.RoundTripper
	// Observer, when set, is told about every request sent to Kakao.
	Observer ProfileObserver
}

// ProfileClient reads the profile behind an OTP URL. It holds one transport,
// a keep-alive pool built once and shared by every request, and sends each
// request through it directly: no client-side redirect handling, so a
// redirect is never followed (it is a non-200 answer like any other). It
// only contacts URLs whose origin is on its allow-list.
type ProfileClient struct {
	key       string
	keyQuery  string // "rest_api_key=" and the key, query-escaped: built once
	origins   Origins
	transport http.RoundTripper
	timeout   time.Duration
	maxBody   int64
	observer  ProfileObserver
	accept    []string // the Accept header's value, shared read-only by every request
	bodies    *bufferPool
}

// NewProfileClient returns a client that sends key to the origins allowed by
// origins only. An empty key is allowed so that the service can start; every
// look-up then fails with ErrNoAPIKey.
func NewProfileClient(key string, origins Origins, opts ProfileOptions) *ProfileClient {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultProfileTimeout
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxProfileBytes
	}
	if opts.Transport == nil {
		opts.Transport = newTransport(opts.Timeout)
	}
	return &ProfileClient{
		key:       key,
		keyQuery:  url.Values{"rest_api_key": {key}}.Encode(),
		origins:   origins,
		transport: opts.Transport,
		timeout:   opts.Timeout,
		maxBody:   opts.MaxBodyBytes,
		observer:  opts.Observer,
		accept:    []string{"application/json"},
		bodies:    newBufferPool(),
	}
}

// newTransport is a keep-alive pool sized for a burst of skill calls to one
// or two Kakao hosts. It ignores HTTP(S)_PROXY: the key goes to Kakao only.
func newTransport(timeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           128,
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    min(timeout, 2*time.Second),
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
}

// Fetch reads the profile behind otpURL: GET <otpURL>?rest_api_key=<key>.
// A URL outside the allow-list (ErrOriginRefused) or a missing key
// (ErrNoAPIKey) fails without any request. Otherwise a non-200 answer is a
// *ProfileStatusError, a timeout or network failure wraps ErrUnavailable, an answer
// that is not a profile wraps ErrBadProfile, and one without a phone number
// is ErrNoPhone.
func (c *ProfileClient) Fetch(ctx context.Context, otpURL string) (Profile, error) {
	p, err := c.checkAndFetch(ctx, otpURL)
	if err != nil {
		// Belt and braces: whatever a lower layer put in its message, the
		// key and the OTP URL do not leave this function.
		return Profile{}, redact(err, c.key, url.QueryEscape(c.key), otpURL)
	}
	return p, nil
}

// checkAndFetch refuses what must not reach Kakao, then fetches and tells
// the observer about the request.
func (c *ProfileClient) checkAndFetch(ctx context.Context, otpURL string) (Profile, error) {
	target, err := c.requestURL(otpURL)
	if err != nil {
		return Profile{}, err
	}
	if c.key == "" {
		return Profile{}, ErrNoAPIKey
	}
	if c.observer == nil {
		p, _, err := c.fetch(ctx, target)
		return p, err
	}
	start := time.Now()
	p, status, err := c.fetch(ctx, target)
	result := ProfileFetchOK
	if err != nil {
		result = profileReason(ctx, err)
	}
	c.observer.ObserveProfileFetch(result, status, time.Since(start))
	return p, err
}

// requestURL returns the URL to GET for otpURL, the key included, or
// Origins.Check's refusal. Kakao's own form of an OTP URL (an allowed origin
// and /otp/<id>/profile, nothing else) needs no parsing: the key is appended
// to it as it is. Any other URL that Check accepts is rebuilt from its
// parsed parts, its query kept except for a rest_api_key, which is ours.
func (c *ProfileClient) requestURL(otpURL string) (string, error) {
	if c.origins.exact(otpURL) {
		return otpURL + "?" + c.keyQuery, nil
	}
	u, err := c.origins.Check(otpURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("rest_api_key", c.key)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// fetch sends GET target, bounded by the client's timeout from dial to the
// last body byte, and reads the answer. It returns Kakao's HTTP status, or 0
// when no answer arrived.
func (c *ProfileClient) fetch(ctx context.Context, target string) (Profile, int, error) {
	// A caller whose own deadline comes first bounds the request already:
	// a second deadline (a timer, and a context for the transport to watch)
	// would change nothing. net/http's Client does the same.
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > c.timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return Profile{}, 0, fmt.Errorf("build Kakao profile request: %w", stripURL(err))
	}
	req.Header["Accept"] = c.accept
	// The transport alone: it never follows a redirect, which could carry
	// the key to another host; a 3xx is the answer, and not a 200.
	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return Profile{}, 0, fmt.Errorf("%w: %w", ErrUnavailable, stripURL(err))
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		// Drain a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return Profile{}, resp.StatusCode, &ProfileStatusError{Code: resp.StatusCode}
	}
	body := c.bodies.get()
	defer c.bodies.put(body)
	if _, err := body.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1)); err != nil {
		return Profile{}, resp.StatusCode, fmt.Errorf("%w: read body: %w", ErrUnavailable, stripURL(err))
	}
	if int64(body.Len()) > c.maxBody {
		return Profile{}, resp.StatusCode, fmt.Errorf("%w: body larger than %d bytes", ErrBadProfile, c.maxBody)
	}
	p, err := parseProfile(body.Bytes())
	return p, resp.StatusCode, err
}

// profileJSON is Kakao's OTP profile answer; every field may be null.
type profileJSON struct {
	AppUserID   ParamValue `json:"app_user_id"`  // not needed to decide: any type
	PhoneNumber string     `json:"phone_number"` // null and missing read as ""
}

func parseProfile(body []byte) (Profile, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return Profile{}, fmt.Errorf("%w: not a JSON object", ErrBadProfile)
	}
	p, ok := scanProfile(body)
	if !ok {
		if err := json.Unmarshal(body, &p); err != nil {
			// json's messages quote no more than one character of the input.
			return Profile{}, fmt.Errorf("%w: %w", ErrBadProfile, err)
		}
	}
	if strings.TrimSpace(p.PhoneNumber) == "" {
		return Profile{}, ErrNoPhone
	}
	phone, err := directory.NormalizePhone(p.PhoneNumber)
	if err != nil {
		return Profile{}, fmt.Errorf("%w: %w", ErrBadProfile, err)
	}
	return Profile{Phone: phone, AppUserID: string(p.AppUserID)}, nil
}

// stripURL removes the request URL, which holds the OTP and the key, from
// net/http's *url.Error and keeps what went wrong.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}
