package main

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/kakao"
	"github.com/rollcall/rollcall/internal/metrics"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/ratelimit"
	"github.com/rollcall/rollcall/internal/verify"
)

// bindings is the bindings use case as the skills use it; nil binds no one and serves no gate.
type bindings interface {
	verify.Binder
	openbuilder.Gatekeeper
}

// newSkills wires the skill endpoints through one Kakao client (opts lets
// tests point it at a fake), binding and gating through binds.
func newSkills(cfg config.Config, opts kakao.ProfileOptions, dir verify.Directory, binds bindings, m *metrics.Metrics, now func() time.Time) *openbuilder.Handler {
	c := cfg.Kakao
	opts.Timeout = c.Timeout
	profiles := kakao.NewProfileClient(c.RESTAPIKey.Reveal(), c.Origins, opts)
	// The directory answers from memory: the look-up's deadline bounds the whole verification.
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
