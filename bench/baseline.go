package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/csv"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/roster"
)

// baselineCommand is the bench's hidden subcommand that runs the baseline
// server; the bench starts its own executable with it, so that the
// baseline is a separate process measured exactly like rollcall.
const baselineCommand = "baseline-server"

// baselineEntry is what the baseline answers about an employee.
type baselineEntry struct {
	Name, Department, Position string
}

// baseline is the least any implementation of the validation skill must do
// per request: decode the request, one GET to Kakao on a pooled keep-alive
// connection, decode the profile, one map look-up, encode the answer. No
// framework, no logging, no origin check, no metrics: a floor, not a
// competitor.
type baseline struct {
	key    string
	client *http.Client
	dir    map[string]baselineEntry
}

// runBaseline is `bench baseline-server`: it reads PORT, ROLLCALL_SOURCE
// (a .csv path) and ROLLCALL_KAKAO_REST_API_KEY, loads the sheet into a map
// keyed by E.164 phone, and serves POST /kakao/validate, GET /ready and
// GET /metrics (the one line go_memstats_mallocs_total) until ctx is done.
func runBaseline(ctx context.Context, getenv func(string) string) error {
	port, err := strconv.Atoi(getenv("PORT"))
	if err != nil {
		return fmt.Errorf("PORT: %w", err)
	}
	// Load the directory at start-up with rollcall's own parser: the time
	// this takes is start-up, not per-request work.
	ctx = logging.WithLogger(ctx, slog.New(slog.DiscardHandler))
	rows, err := csv.New(getenv("ROLLCALL_SOURCE")).Rows(ctx)
	if err != nil {
		return err
	}
	parsed, err := roster.ParseRoster(rows, time.Now())
	if err != nil {
		return fmt.Errorf("parse the sheet: %w", err)
	}
	b := &baseline{
		key: getenv("ROLLCALL_KAKAO_REST_API_KEY"),
		client: &http.Client{
			Timeout: 2500 * time.Millisecond,
			Transport: &http.Transport{
				Proxy:               nil,
				MaxIdleConns:        128,
				MaxIdleConnsPerHost: 64,
				IdleConnTimeout:     90 * time.Second,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		dir: make(map[string]baselineEntry, len(parsed.Employees)),
	}
	for _, e := range parsed.Employees {
		b.dir[e.Phone] = baselineEntry{Name: e.Name, Department: e.Department, Position: e.Position}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /kakao/validate", b.validate)
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = io.WriteString(w, `{"status":"ready"}`)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(w, "go_memstats_mallocs_total %d\n", m.Mallocs)
	})
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// validationAnswer is the validation skill's answer, as rollcall writes it.
type validationAnswer struct {
	Status  string            `json:"status"`
	Value   string            `json:"value,omitempty"`
	Data    map[string]string `json:"data,omitempty"`
	Message string            `json:"message,omitempty"`
}

func (b *baseline) validate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value struct {
			Origin string `json:"origin"`
		} `json:"value"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil || req.Value.Origin == "" {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	answer := b.verify(r.Context(), req.Value.Origin)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(answer)
}

func (b *baseline) verify(ctx context.Context, otpURL string) validationAnswer {
	undecided := validationAnswer{Status: "ERROR", Message: "지금은 확인할 수 없습니다. 잠시 후 다시 시도해 주세요."}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, otpURL+"?rest_api_key="+b.key, nil)
	if err != nil {
		return undecided
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return undecided
	}
	defer resp.Body.Close()
	var profile struct {
		PhoneNumber string `json:"phone_number"`
	}
	if resp.StatusCode != http.StatusOK {
		return undecided
	}
	// Read to the end, so that the connection goes back to the pool.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil || json.Unmarshal(body, &profile) != nil {
		return undecided
	}
	e, ok := b.dir[e164FromKakao(profile.PhoneNumber)]
	if !ok {
		return validationAnswer{Status: "FAIL", Message: "임직원 명단에서 찾을 수 없습니다."}
	}
	return validationAnswer{
		Status: "SUCCESS",
		Value:  otpURL,
		Data:   map[string]string{"name": e.Name, "department": e.Department, "position": e.Position},
	}
}

// e164FromKakao turns Kakao's "+82 10-1234-5678" into "+821012345678" by
// keeping the digits: the cheapest correct reading of that one fixed
// format.
func e164FromKakao(s string) string {
	out := make([]byte, 0, 16)
	out = append(out, '+')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			out = append(out, c)
		}
	}
	return string(out)
}
