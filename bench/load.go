package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// call is one prepared skill request and the answer it must get.
type call struct {
	body []byte
	// want is the status the answer must carry, as it appears in the JSON:
	// `"status":"SUCCESS"` for an employee, `"status":"FAIL"` for a stranger.
	want []byte
}

// loadConfig bounds one load run in time and in requests.
type loadConfig struct {
	Concurrency int
	Duration    time.Duration
	MaxRequests int64
	// Rate, when positive, paces the load at that many requests a second
	// in all (each worker sends on a fixed schedule); zero is a closed loop
	// as fast as the server answers.
	Rate float64
	// Fresh, when set, makes every request a Kakao user never seen before
	// (the launch day's rush): the calls' user key is replaced by a new one.
	Fresh *userMint
}

// loadResult is what one load run saw from the client's side.
type loadResult struct {
	Requests int64
	Elapsed  time.Duration
	// Samples holds every request's latency, failed ones included.
	Samples []time.Duration
	// Errors counts failed requests by kind.
	Errors map[string]int64
}

// add appends o's figures to r (runs of the same server, one after another).
func (r *loadResult) add(o loadResult) {
	r.Requests += o.Requests
	r.Elapsed += o.Elapsed
	r.Samples = append(r.Samples, o.Samples...)
	if r.Errors == nil {
		r.Errors = map[string]int64{}
	}
	for k, v := range o.Errors {
		r.Errors[k] += v
	}
}

// errorCount returns the number of failed requests.
func (r loadResult) errorCount() int64 {
	var n int64
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// errorSummary lists the kinds of failure, most frequent first.
func (r loadResult) errorSummary() string {
	kinds := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if r.Errors[kinds[i]] != r.Errors[kinds[j]] {
			return r.Errors[kinds[i]] > r.Errors[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d× %s", r.Errors[k], k)
	}
	return strings.Join(parts, ", ")
}

// loadClient sends every request from one address, on keep-alive
// connections, carrying the skill secret: Kakao's shape, a few server
// addresses calling for many users.
type loadClient struct {
	client *http.Client
	secret string
}

// newLoadClient returns a client for conns concurrent requests that sends
// secret in the skill secret's header.
func newLoadClient(conns int, secret string) *loadClient {
	return &loadClient{secret: secret, client: &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConnsPerHost: conns,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}}
}

// Do sends req with the secret.
func (lc *loadClient) Do(req *http.Request) (*http.Response, error) {
	if lc.secret != "" {
		req.Header.Set(skillSecretHeader, lc.secret)
	}
	return lc.client.Do(req)
}

// CloseIdleConnections closes the idle connections.
func (lc *loadClient) CloseIdleConnections() { lc.client.CloseIdleConnections() }

// drive posts calls to url from cfg.Concurrency workers, each sending its
// next request as soon as the previous one is answered (a closed loop),
// until cfg.Duration has passed or cfg.MaxRequests have been sent.
func drive(ctx context.Context, client *loadClient, url string, calls []call, cfg loadConfig) loadResult {
	var (
		sent     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    = loadResult{Errors: map[string]int64{}}
		deadline = time.Now().Add(cfg.Duration)
	)
	start := time.Now()
	for w := range cfg.Concurrency {
		wg.Go(func() {
			samples := make([]time.Duration, 0, 4096)
			errs := map[string]int64{}
			var buf bytes.Buffer
			// A paced worker sends every interval, the workers' schedules
			// staggered; one that falls behind carries on from now rather than
			// bursting to catch up.
			var interval time.Duration
			if cfg.Rate > 0 {
				interval = time.Duration(float64(cfg.Concurrency) / cfg.Rate * float64(time.Second))
			}
			due := start.Add(interval * time.Duration(w) / time.Duration(cfg.Concurrency))
			for i := 0; ; i++ {
				if interval > 0 {
					if wait := time.Until(due); wait > 0 {
						time.Sleep(wait)
					}
					due = due.Add(interval)
					if now := time.Now(); due.Before(now) {
						due = now
					}
				}
				if ctx.Err() != nil || time.Now().After(deadline) || sent.Add(1) > cfg.MaxRequests {
					break
				}
				c := calls[(w+i*cfg.Concurrency)%len(calls)]
				if cfg.Fresh != nil {
					c.body = cfg.Fresh.newUser(c.body)
				}
				t0 := time.Now()
				kind := post(ctx, client, url, c, &buf)
				samples = append(samples, time.Since(t0))
				if kind != "" {
					errs[kind]++
				}
			}
			mu.Lock()
			total.Samples = append(total.Samples, samples...)
			for k, v := range errs {
				total.Errors[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	total.Elapsed = time.Since(start)
	total.Requests = int64(len(total.Samples))
	return total
}

// post sends one call and returns "" when it got the answer it wants, or
// the kind of failure.
func post(ctx context.Context, client *loadClient, url string, c call, buf *bytes.Buffer) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(c.body))
	if err != nil {
		return "request not built"
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return "canceled"
		}
		return "transport error"
	}
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	switch {
	case err != nil:
		return "body not read"
	case resp.StatusCode != http.StatusOK:
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	case !bytes.Contains(buf.Bytes(), c.want):
		return "answered " + answerStatus(buf.Bytes()) + ", want " + string(bytes.TrimPrefix(c.want, []byte(`"status":`)))
	}
	return ""
}

// answerStatus names the status of a validation answer, for error counts.
func answerStatus(body []byte) string {
	for _, s := range []string{"SUCCESS", "FAIL", "ERROR"} {
		if bytes.Contains(body, []byte(`"status":"`+s+`"`)) {
			return `"` + s + `"`
		}
	}
	return "no status"
}
