package config

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Describe returns the configuration one variable a line, secrets masked.
func (c Config) Describe() string {
	var b strings.Builder
	for _, s := range c.Settings() {
		fmt.Fprintf(&b, "  %-28s %s\n", s.Name, s.Value)
	}
	return b.String()
}

// Setting is one variable as an operator may see it, a secret masked.
type Setting struct {
	Name, Value string
}

// Settings lists every variable in effect, secrets masked.
func (c Config) Settings() []Setting {
	orUnset := func(s string) string { return cmp.Or(s, "(unset)") }
	set := func(s Secret) string {
		if s == "" {
			return "(unset)"
		}
		return "(set)"
	}
	skillSecret := set(c.Kakao.SkillSecret)
	if c.Kakao.SkillOpen {
		skillSecret = "off"
	}
	perOrOff := func(n int, unit string) string {
		if n == 0 {
			return "off"
		}
		return fmt.Sprintf("%d %s", n, unit)
	}
	out := []Setting{
		{"PORT", fmt.Sprint(c.Port)},
		{"ROLLCALL_SOURCE", c.Source.Location + " (" + c.Source.Kind + ")"},
		{"ROLLCALL_SHEET_RANGE", orUnset(c.Source.Range)},
		{"ROLLCALL_SHEETS_ENDPOINT", orUnset(c.Source.SheetsEndpoint)},
		{"ROLLCALL_FEEDBACK_TAB", orUnset(c.Source.FeedbackTab)},
		{"ROLLCALL_STORE", c.Store.String()},
		{"ROLLCALL_KAKAO_REST_API_KEY", set(c.Kakao.RESTAPIKey)},
		{"ROLLCALL_KAKAO_OTP_ORIGINS", strings.Join(c.Kakao.Origins.Strings(), ",")},
		{"ROLLCALL_KAKAO_TIMEOUT", c.Kakao.Timeout.String()},
		{"ROLLCALL_SKILL_SECRET", skillSecret},
		{"ROLLCALL_BOT_ID", orUnset(c.Kakao.BotID)},
		{"ROLLCALL_USER_RATE_LIMIT", perOrOff(c.Kakao.UserRateLimit, "a minute per user")},
		{"ROLLCALL_CLIENT_RATE_LIMIT", perOrOff(c.Kakao.ClientRateLimit, "a second per client address")},
		{"ROLLCALL_SYNC_TOKEN", set(c.Sync.Token)},
		{"ROLLCALL_SYNC_INVOKERS", orUnset(strings.Join(c.Sync.Invokers, ","))},
		{"ROLLCALL_SYNC_AUDIENCE", orUnset(c.Sync.Audience)},
		{"ROLLCALL_MAX_DELETE_PERCENT", fmt.Sprint(c.Sync.MaxDeletePercent)},
		{"ROLLCALL_BINDING_TTL", showTTL(c.Bindings.TTL)},
		{"ROLLCALL_AUTH_BLOCK_ID", orUnset(c.Bindings.AuthBlockID)},
		{"ROLLCALL_LOG_FORMAT", string(c.Log.Format)},
		{"ROLLCALL_LOG_LEVEL", c.Log.Level.String()},
	}
	for _, t := range c.Texts.Vars() {
		if t.Value != "" {
			t.Value = strconv.Quote(t.Value)
		}
		out = append(out, Setting{t.Name, cmp.Or(t.Value, "(default)")})
	}
	return out
}

// showTTL shows a binding TTL as ROLLCALL_BINDING_TTL takes it.
func showTTL(d time.Duration) string {
	switch {
	case d == 0:
		return "off"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
