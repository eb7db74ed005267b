package kakaotest

import (
	"io"
	"net/http"
	"sync"
)

// NoNetwork is an http.RoundTripper that records every request and answers
// none: a profile client given it can prove that it attempted no request,
// and can never reach the network.
type NoNetwork struct {
	mu   sync.Mutex
	reqs int
}

// RoundTrip counts r and fails.
func (n *NoNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	n.mu.Lock()
	n.reqs++
	n.mu.Unlock()
	return nil, io.ErrUnexpectedEOF
}

// Attempts returns how many requests were attempted.
func (n *NoNetwork) Attempts() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.reqs
}
