package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/net/http2"
)

// storeProxy sits between rollcall and the Firestore emulator and counts
// rollcall's round trips to its store: the gRPC calls it starts, each a new
// HTTP/2 stream whose first frame is HEADERS. It forwards bytes unchanged
// and reads only the frame headers of what rollcall sends.
type storeProxy struct {
	ln     net.Listener
	target string
	trips  tripCounter
	wg     sync.WaitGroup
}

// tripCounter counts round trips to a store.
type tripCounter struct{ n atomic.Int64 }

func (c *tripCounter) count() int64 { return c.n.Load() }

// startStoreProxy listens on loopback and forwards every connection to
// target.
func startStoreProxy(target string) (*storeProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("store proxy: %w", err)
	}
	p := &storeProxy{ln: ln, target: target}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port to give rollcall as FIRESTORE_EMULATOR_HOST.
func (p *storeProxy) Addr() string { return p.ln.Addr().String() }

// Trips is the proxy's count of round trips.
func (p *storeProxy) Trips() *tripCounter { return &p.trips }

// Close stops accepting; open connections end with their peers.
func (p *storeProxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *storeProxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(client)
	}
}

// serve forwards one connection both ways, counting the streams rollcall
// opens.
func (p *storeProxy) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	pr, pw := io.Pipe()
	go p.countStreams(pr)
	go func() {
		_, _ = io.Copy(client, server)
		client.Close()
	}()
	_, _ = io.Copy(io.MultiWriter(server, pw), client)
	pw.Close()
}

// countStreams reads the client's side of an HTTP/2 connection (h2c: the
// preface, then frames) and counts each HEADERS frame that opens a stream.
func (p *storeProxy) countStreams(r *io.PipeReader) {
	defer func() { _, _ = io.Copy(io.Discard, r) }()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(r, preface); err != nil || !bytes.Equal(preface, []byte(http2.ClientPreface)) {
		return
	}
	fr := http2.NewFramer(nil, r)
	seen := map[uint32]bool{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return // the end, or a frame the counter cannot read: the rest is only forwarded
		}
		if h, ok := f.(*http2.HeadersFrame); ok && !seen[h.StreamID] {
			seen[h.StreamID] = true
			p.trips.n.Add(1)
		}
	}
}
