// Package kakaotest is a fake of Kakao's OTP profile API (the profile
// plugin's one-time URLs) for tests and local demos, in the spirit of
// net/http/httptest. It speaks Kakao's documented wire format:
//
//	GET /otp/<24 hex>/profile?rest_api_key=KEY
//	→ 200 {"app_user_id":N,"nickname":"...","phone_number":"+82 10-1234-5678","email":"..."}
//
// with Kakao-style error bodies ({"msg":"...","code":-401}) otherwise, and
// can misbehave on demand (outage, hang, garbage, redirect, ...). It records
// every request so that tests can assert what it was asked, unless started
// Unrecorded. Production code never imports it.
package kakaotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"
)

// DefaultAPIKey is the REST API key the fake accepts unless WithAPIKey says
// otherwise.
const DefaultAPIKey = "kakaotest-rest-api-key"

// Profile is the Kakao profile behind an OTP URL. Empty Nickname and Email
// are sent as null; PhoneNumber is sent as given, in Kakao's format
// ("+82 10-1234-5678"), unless the server's behavior says otherwise.
type Profile struct {
	AppUserID   int64
	Nickname    string
	PhoneNumber string
	Email       string
}

// Behavior is how the fake answers a request for an OTP URL.
type Behavior int

// The behaviors a test may ask for.
const (
	// Normal answers like Kakao.
	Normal Behavior = iota
	// InternalError answers 500 with a Kakao error body.
	InternalError
	// Hang never answers: it waits until the client gives up (or the server
	// closes).
	Hang
	// Garbage answers 200 with an HTML page instead of JSON.
	Garbage
	// HugeBody answers 200 with 1 MiB of JSON.
	HugeBody
	// PhoneNull answers the profile with "phone_number": null.
	PhoneNull
	// PhoneOmitted answers the profile without a phone_number field.
	PhoneOmitted
	// Redirect answers 302 to the URL given to RedirectTo, with the
	// request's query (the REST API key included) appended.
	Redirect
	// IPMismatch answers as Kakao does when the app allows its REST API
	// key from other server addresses only ("allowed IP addresses"): 401
	// {"msg":"ip mismatched! callerIp=... check out registered ips.","code":-401}.
	IPMismatch
)

// Request is a request the fake received.
type Request struct {
	Method string
	Host   string
	Path   string
	Query  url.Values
	Header http.Header
}

// Option configures a Server.
type Option func(*options)

type options struct {
	key        string
	plain      bool
	addr       string
	unrecorded bool
}

// WithAPIKey sets the REST API key the fake accepts.
func WithAPIKey(key string) Option { return func(o *options) { o.key = key } }

// PlainHTTP serves plain http instead of TLS, for local demos (rollcall
// accepts http origins on loopback only).
func PlainHTTP() Option { return func(o *options) { o.plain = true } }

// Unrecorded keeps no record of requests, and Requests returns none: for the
// benchmark and demos, whose hundreds of thousands of requests would
// otherwise pile up in the process's heap, and in its collector's work.
func Unrecorded() Option { return func(o *options) { o.unrecorded = true } }

// ListenAddr listens on addr (e.g. "127.0.0.1:8090") instead of a random
// loopback port.
func ListenAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// Server is a running fake of Kakao's OTP profile API.
type Server struct {
	srv      *httptest.Server
	key      string
	stop     chan struct{}
	stopOnce sync.Once
	record   bool

	mu         sync.Mutex
	otps       map[string]*otp
	requests   []Request
	behavior   Behavior
	redirectTo string
	delay      time.Duration
}

type otp struct {
	profile  Profile
	reusable bool
	used     bool
}

// NewServer starts a fake on a random loopback port, TLS unless PlainHTTP is
// given, and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("kakaotest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake outside a test (e.g. for a demo); call Close when done.
func Start(opts ...Option) (*Server, error) {
	o := options{key: DefaultAPIKey}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{key: o.key, record: !o.unrecorded, stop: make(chan struct{}), otps: map[string]*otp{}}
	srv := httptest.NewUnstartedServer(s)
	if o.addr != "" {
		ln, err := net.Listen("tcp", o.addr)
		if err != nil {
			srv.Close()
			return nil, fmt.Errorf("listen on %s: %w", o.addr, err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	if o.plain {
		srv.Start()
	} else {
		srv.StartTLS()
	}
	s.srv = srv
	return s, nil
}

// Close unblocks hanging requests and stops the server.
func (s *Server) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.srv.Close()
}

// Origin returns the fake's origin, e.g. "https://127.0.0.1:41234", for
// rollcall's OTP origin allow-list.
func (s *Server) Origin() string { return s.srv.URL }

// APIKey returns the REST API key the fake accepts.
func (s *Server) APIKey() string { return s.key }

// Client returns an HTTP client that trusts the fake's TLS certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Transport returns the transport of Client, for code that builds its own
// client.
func (s *Server) Transport() http.RoundTripper { return s.srv.Client().Transport }

// Issue mints a fresh single-use OTP URL for p. Fetching it a second time
// fails like an expired OTP (400).
func (s *Server) Issue(p Profile) string { return s.issue(p, false) }

// IssueReusable mints an OTP URL for p that can be fetched any number of
// times (benchmarks, demos).
func (s *Server) IssueReusable(p Profile) string { return s.issue(p, true) }

func (s *Server) issue(p Profile, reusable bool) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	id := hex.EncodeToString(b)
	s.mu.Lock()
	s.otps[id] = &otp{profile: p, reusable: reusable}
	s.mu.Unlock()
	return s.srv.URL + "/otp/" + id + "/profile"
}

// SetBehavior changes how the fake answers from now on.
func (s *Server) SetBehavior(b Behavior) {
	s.mu.Lock()
	s.behavior = b
	s.mu.Unlock()
}

// RedirectTo makes the fake answer every request with a 302 to target, the
// request's query appended — what a compromised or misbehaving origin
// could do to steal the key.
func (s *Server) RedirectTo(target string) {
	s.mu.Lock()
	s.behavior, s.redirectTo = Redirect, target
	s.mu.Unlock()
}

// SetDelay makes the fake wait d before answering (or until the client gives
// up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Requests returns every request received so far, oldest first (none if the
// server was started Unrecorded).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

var otpPath = regexp.MustCompile(`^/otp/([0-9a-f]{24})/profile$`)

// ParseProfile reads a profile as Kakao's API writes one (a recorded
// answer, such as testdata/kakao/otp-profile-response.json), so that tests
// serve the recorded person.
func ParseProfile(b []byte) (Profile, error) {
	var p struct {
		AppUserID   int64  `json:"app_user_id"`
		Nickname    string `json:"nickname"`
		PhoneNumber string `json:"phone_number"`
		Email       string `json:"email"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return Profile{}, fmt.Errorf("kakaotest: read a recorded profile: %w", err)
	}
	return Profile{AppUserID: p.AppUserID, Nickname: p.Nickname, PhoneNumber: p.PhoneNumber, Email: p.Email}, nil
}
