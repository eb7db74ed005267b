package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// skillTemplate is Open Builder's SkillPayload, whose user the gate phase
// replaces.
const skillTemplate = "internal/kakao/testdata/kakao/skill-request.json"

// maxGateUsers bounds the users the gate phase binds, then gates: enough
// to cycle through, few enough to bind in seconds.
const maxGateUsers = 5_000

// The answers a gate call must get.
var (
	wantVerified    = []byte(`"verified":"true"`)
	wantNotVerified = []byte(`"verified":"false"`)
)

// gateCalls turns validation calls into gate calls of the same users: an
// employee, once verified, must be verified; a stranger must not.
func gateCalls(template []byte, calls []call) ([]call, error) {
	out := make([]call, 0, len(calls))
	for _, c := range calls {
		var v struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		if err := json.Unmarshal(c.body, &v); err != nil || v.User.ID == "" {
			return nil, fmt.Errorf("a validation call without a user id (%v)", err)
		}
		body, err := skillBody(template, v.User.ID)
		if err != nil {
			return nil, err
		}
		want := wantNotVerified
		if bytes.Equal(c.want, wantSuccess) {
			want = wantVerified
		}
		out = append(out, call{body: body, want: want})
	}
	return out, nil
}

// skillBody is the template SkillPayload from userKey (userRequest.user.id
// and its botUserKey twins).
func skillBody(template []byte, userKey string) ([]byte, error) {
	var p map[string]any
	if err := json.Unmarshal(template, &p); err != nil {
		return nil, fmt.Errorf("read the skill payload template: %w", err)
	}
	ur, _ := p["userRequest"].(map[string]any)
	user, _ := ur["user"].(map[string]any)
	if user == nil {
		return nil, fmt.Errorf("the skill payload template has no userRequest.user")
	}
	user["id"] = userKey
	if props, _ := user["properties"].(map[string]any); props != nil {
		props["botUserKey"], props["bot_user_key"] = userKey, userKey
	}
	return json.Marshal(p)
}

// gate measures POST /kakao/gate on each rollcall server of setups: it binds
// the first maxGateUsers users through /kakao/validate, each once, then
// drives the gate with their calls as the capacity phase drives the
// validation (no outbound call: Kakao is not involved).
func (b *bench) gate(ctx context.Context, n int, setups []serverSetup, calls []call) ([]loadFigures, error) {
	tmpl, err := os.ReadFile(b.root + "/" + skillTemplate)
	if err != nil {
		return nil, fmt.Errorf("read the skill payload: %w", err)
	}
	calls = calls[:min(len(calls), maxGateUsers)]
	gcalls, err := gateCalls(tmpl, calls)
	if err != nil {
		return nil, err
	}
	var figs []loadFigures
	for _, setup := range setups {
		if setup.Baseline {
			continue
		}
		f, err := b.gateOne(ctx, n, setup, calls, gcalls)
		if err != nil {
			return nil, fmt.Errorf("gate on %s: %w", setup.Name, err)
		}
		figs = append(figs, f)
	}
	return figs, nil
}

func (b *bench) gateOne(ctx context.Context, n int, setup serverSetup, calls, gcalls []call) (loadFigures, error) {
	servers, stop, err := startAll(ctx, n, []serverSetup{setup}, b.opts.Concurrency)
	defer stop()
	if err != nil {
		return loadFigures{}, err
	}
	s := servers[0]
	s.fig.Server = setup.Name + " gate"
	b.logf("%d employees: binding %d users on %s", n, len(calls), setup.Name)
	if err := bindAll(ctx, s, calls, b.opts.Concurrency); err != nil {
		return loadFigures{}, err
	}
	b.logf("%d employees: gate load on %s", n, setup.Name)
	url := s.proc.base + "/kakao/gate"
	cfg := loadConfig{Concurrency: b.opts.Concurrency, Duration: b.opts.Warmup, MaxRequests: b.opts.MaxRequests}
	_ = drive(ctx, s.client, url, gcalls, cfg) // warm-up, not counted
	cfg.Duration = b.opts.Duration
	mallocs0, mallocsErr := scrapeMallocs(ctx, s.client, s.proc.base)
	for range b.opts.Rounds {
		cpu0, err := s.proc.cpuTime()
		if err != nil {
			return loadFigures{}, err
		}
		res := drive(ctx, s.client, url, gcalls, cfg)
		cpu1, err := s.proc.cpuTime()
		if err != nil {
			return loadFigures{}, err
		}
		s.fig.CPU += cpu1 - cpu0
		s.fig.Result.add(res)
		if res.Elapsed > 0 {
			s.fig.RoundRates = append(s.fig.RoundRates, float64(res.Requests)/res.Elapsed.Seconds())
		}
	}
	s.fig.Latency = summarize(s.fig.Result.Samples)
	if mallocs1, err := scrapeMallocs(ctx, s.client, s.proc.base); mallocsErr == nil && err == nil {
		s.fig.Allocs = mallocs1 - mallocs0
	}
	if s.fig.PeakRSS, err = s.proc.peakRSS(); err != nil {
		return loadFigures{}, err
	}
	return s.fig, ctx.Err()
}

// bindAll posts every validation call once, from workers: an employee's
// SUCCESS binds them.
func bindAll(ctx context.Context, s *running, calls []call, workers int) error {
	next := make(chan call)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []string
	)
	for range workers {
		wg.Go(func() {
			var buf bytes.Buffer
			for c := range next {
				if kind := post(ctx, s.client, s.proc.base+"/kakao/validate", c, &buf); kind != "" {
					mu.Lock()
					failed = append(failed, kind)
					mu.Unlock()
				}
			}
		})
	}
	for _, c := range calls {
		next <- c
	}
	close(next)
	wg.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d binding validations failed, e.g. %s", len(failed), len(calls), failed[0])
	}
	return ctx.Err()
}

// gateReport prints the gate's figures beside the baseline's validation at
// saturation (the capacity phase), and the two targets for it.
func gateReport(w io.Writer, o options, r results) {
	if len(r.Gate) == 0 {
		return
	}
	fmt.Fprintf(w, "\nGate: POST /kakao/gate of %d bound users (employees verified, strangers not) from %d clients, at saturation,\n",
		maxGateUsers, o.Concurrency)
	fmt.Fprintln(w, "beside the baseline's validation at saturation (Kakao on loopback) from the capacity phase")
	var figs []loadFigures
	for _, g := range r.Gate {
		if base, _ := targetPair(r.Loads, g.Employees); base != nil && (len(figs) == 0 || figs[len(figs)-1].Employees != g.Employees) {
			b := *base
			b.Server = "baseline validate"
			figs = append(figs, b)
		}
		figs = append(figs, g)
	}
	loadTable(w, figs, true)
}

// gateTargetLines checks issue 13's targets: at the target size, the
// gate's throughput at saturation is at least the baseline's validation
// throughput, and its p99 no worse.
func gateTargetLines(o options, r results) []string {
	base, _ := targetPair(r.Loads, o.TargetSize)
	var gate *loadFigures
	for i := range r.Gate {
		if g := &r.Gate[i]; g.Employees == o.TargetSize && strings.HasPrefix(g.Server, "rollcall (bolt)") {
			gate = g
		}
	}
	if base == nil || gate == nil {
		return []string{fmt.Sprintf("not measured: the gate at %s employees", thousands(o.TargetSize))}
	}
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	return []string{
		fmt.Sprintf("%s  gate ≥ the baseline's validation throughput at saturation, no errors: %s vs %s req/s, %d errors",
			verdict(gate.throughput() >= base.throughput() && gate.Result.errorCount() == 0),
			thousands(int(gate.throughput()+0.5)), thousands(int(base.throughput()+0.5)), gate.Result.errorCount()),
		fmt.Sprintf("%s  gate p99 ≤ the baseline's validation p99 at saturation: %s vs %s",
			verdict(gate.Latency.P99 <= base.Latency.P99), ms(gate.Latency.P99), ms(base.Latency.P99)),
	}
}
