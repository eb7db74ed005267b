package main

import (
	"context"
	"time"

	"golang.org/x/time/rate"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/metrics"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/ratelimit"
	"github.com/rollcall/rollcall/internal/verify"
)

// bindings is the bindings use case as the skills use it; *binding.Service
// is one, and nil binds no one and serves no gate.
type bindings interface {
	verify.Binder
	openbuilder.Gatekeeper
}

// newSkills wires the skill endpoints: the verification, counted by m,
// through one Kakao client (opts lets tests point it at a fake), answering
// from dir in texts, binding each verified employee through binds and
// gating from its bindings; the rate limiters read the time from now.
func newSkills(cfg config.Config, opts kakao.ProfileOptions, dir verify.Directory, binds bindings, m *metrics.Metrics, now func() time.Time) *openbuilder.Handler {
	c := cfg.Kakao
	opts.Timeout = c.Timeout
	profiles := kakao.NewProfileClient(c.RESTAPIKey.Reveal(), c.Origins, opts)
	// The directory answers from memory: the look-up's deadline bounds the
	// whole verification.
	vopts := verify.Options{Timeout: c.Timeout, Binder: binds}
	if c.UserRateLimit > 0 {
		vopts.Users = ratelimit.New(rate.Limit(c.UserRateLimit)/60, ratelimit.DefaultUserBurst, now)
	}
	hcfg := openbuilder.HandlerConfig{SkillSecret: c.SkillSecret.Reveal(), BotID: c.BotID, Texts: openbuilder.Texts(cfg.Texts),
		Gates: binds, AuthBlockID: cfg.Bindings.AuthBlockID}
	if c.ClientRateLimit > 0 {
		hcfg.Clients = ratelimit.New(rate.Limit(c.ClientRateLimit), 2*c.ClientRateLimit, now)
	}
	return openbuilder.NewHandler(hcfg, m.WrapVerifier(verify.New(profiles, dir, vopts)))
}

// warnOpenSkills says at start-up what an operator would want to know about
// the skill endpoints' protection.
func warnOpenSkills(ctx context.Context, c config.Kakao) {
	log := logging.FromContext(ctx)
	if c.RESTAPIKey == "" {
		log.Warn("ROLLCALL_KAKAO_REST_API_KEY is not set: every skill call will answer ERROR")
	}
	switch {
	case c.SkillOpen:
		log.Info("ROLLCALL_SKILL_SECRET=off: /kakao/* is open to anyone, on purpose")
	case c.SkillSecret == "":
		log.Warn("ROLLCALL_SKILL_SECRET is not set: /kakao/* is open to anyone, and every call counts against ROLLCALL_CLIENT_RATE_LIMIT")
	}
}
