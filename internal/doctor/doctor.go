// Package doctor checks a rollcall set-up, changing nothing anywhere
// (CONTRACT.md section 6), with the adapters the wiring passes in a Setup.
// No line it writes holds a phone number, a name, an email, a key or a cell.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Status is a check's outcome.
type Status string

// The outcomes, from best to worst.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
)

func (s Status) rank() int { return slices.Index([]Status{OK, Warn, Fail}, s) }

// The checks' names, as the contract has them.
const (
	CheckConfig     = "config"
	CheckIdentity   = "identity"
	CheckSource     = "source"
	CheckHeader     = "header"
	CheckRows       = "rows"
	CheckFeedback   = "feedback"
	CheckStore      = "store"
	CheckKakao      = "kakao"
	CheckProtection = "protection"
	CheckTexts      = "texts"
)

// Check is one line of the diagnosis.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`        // what was found, in one line
	Fix    string `json:"fix,omitempty"` // what to do, in one sentence; empty when OK
}

// Result is the whole diagnosis, as `rollcall doctor --json` and GET /internal/doctor show it.
type Result struct {
	Status Status  `json:"status"` // the worst of the checks'
	Checks []Check `json:"checks"`
}

// Failed reports whether a check failed.
func (r Result) Failed() bool { return r.Status == Fail }

func (r *Result) add(c Check) {
	if c.Status == OK {
		c.Fix = ""
	} else if c.Fix == "" {
		c.Fix = "see the detail, then run rollcall doctor again"
	}
	r.Checks = append(r.Checks, c)
	if c.Status.rank() > r.Status.rank() {
		r.Status = c.Status
	}
}

// WriteText prints one line per check, starting with its status word.
func (r Result) WriteText(w io.Writer) error {
	for _, c := range r.Checks {
		line := fmt.Sprintf("%-4s  %-10s  %s", c.Status, c.Name, c.Detail)
		if c.Fix != "" {
			line += "  → fix: " + c.Fix
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// Deadlines of the checks that call out: a doctor that hangs diagnoses nothing.
const (
	sourceTimeout = 2 * time.Minute // a Sheets read, retries on quota included
	storeTimeout  = 30 * time.Second
	kakaoTimeout  = 10 * time.Second
)

// Run runs every check of s, in the contract's order. A configuration that
// did not load fails the config check and stops there: the others need it.
func Run(ctx context.Context, s Setup) Result {
	r := Result{Status: OK, Checks: []Check{}}
	if len(s.ConfigProblems) > 0 {
		r.add(configProblems(s.ConfigProblems))
		return r
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	checks := append([]Check{configCheck(s.Config), identityCheck(ctx, s)}, sheetChecks(ctx, s)...)
	if s.CheckFeedback != nil {
		checks = append(checks, feedbackCheck(ctx, s))
	}
	checks = append(checks, storeCheck(ctx, s), kakaoCheck(ctx, s.Config, s.KakaoProbe),
		protectionCheck(s.Config), textsCheck(s.Config.Texts.Vars()))
	for _, c := range checks {
		r.add(c)
	}
	return r
}

// Remedy is what an adapter's error may offer: a set-up failure's fix, in one sentence.
type Remedy interface {
	Remedy() string
}

// fixOf returns err's remedy, or def.
func fixOf(err error, def string) string {
	var r Remedy
	if errors.As(err, &r) && r.Remedy() != "" {
		return r.Remedy()
	}
	return def
}
