package openbuilder_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
	"github.com/rollcall/rollcall/internal/openbuilder"
	"github.com/rollcall/rollcall/internal/roster"
)

// authBlock is an Open Builder block id, as ROLLCALL_AUTH_BLOCK_ID holds it.
const authBlock = "5f1a0c7e3b2d4a0001a1b2c3"

// keeper is a hand-written Gatekeeper: the users in bound are verified as
// that employee; err, when set, is every call's error. It records the user
// ids it was asked about.
type keeper struct {
	mu    sync.Mutex
	bound map[string]roster.Employee
	err   error
	asked []string
}

func (k *keeper) Gate(_ context.Context, userID string) (roster.Employee, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, userID)
	if k.err != nil {
		return roster.Employee{}, false, k.err
	}
	e, ok := k.bound[userID]
	return e, ok, nil
}

func (k *keeper) Unbind(_ context.Context, userID string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, userID)
	if userID == "" {
		return errors.New("unbind without a user id") // binding.Service refuses it
	}
	delete(k.bound, userID)
	return k.err
}

func boundKeeper() *keeper {
	return &keeper{bound: map[string]roster.Employee{exampleUserID: hongEmployee}}
}

// TestGatesGolden answers the shared SkillPayload through /kakao/gate and
// /kakao/unbind and compares the answers with golden files.
func TestGatesGolden(t *testing.T) {
	t.Parallel()
	down := errors.New("store unreachable")
	tests := []struct {
		name, path string
		keeper     *keeper
		block      string
		golden     string
	}{
		{"gate verified", "/kakao/gate", boundKeeper(), authBlock, "gate-verified"},
		{"gate not verified", "/kakao/gate", &keeper{}, authBlock, "gate-not-verified"},
		{"gate not verified, no auth block", "/kakao/gate", &keeper{}, "", "gate-not-verified-no-block"},
		{"gate store down", "/kakao/gate", &keeper{err: down}, authBlock, "gate-undecided"},
		{"unbind", "/kakao/unbind", boundKeeper(), authBlock, "unbind"},
		{"unbind without a binding", "/kakao/unbind", &keeper{}, authBlock, "unbind"},
		{"unbind store down", "/kakao/unbind", &keeper{err: down}, authBlock, "unbind-error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := kakaotest.NewServer(t)
			s := newStack(t, fake, stackOptions{gates: tt.keeper, authBlockID: tt.block})
			rec := s.post(tt.path, readFile(t, "kakao/skill-request.json"), nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
			}
			checkGolden(t, tt.golden, rec.Body.Bytes(), "")
			if n := len(fake.Requests()); n != 0 {
				t.Errorf("%s made %d requests to Kakao, want none", tt.path, n)
			}
			if got := tt.keeper.asked; len(got) != 1 || got[0] != exampleUserID {
				t.Errorf("asked about users %q, want the payload's userRequest.user.id", got)
			}
			// The digest is the binding key's first 8 hex digits: one hash of
			// a user id, so a log line leads to the user's binding.
			sum := sha256.Sum256([]byte(exampleUserID))
			digest := `"user":"` + hex.EncodeToString(sum[:4]) + `"`
			if logs := s.logs.String(); strings.Contains(logs, exampleUserID) || !strings.Contains(logs, digest) {
				t.Errorf("the log line names the raw user id, or not its digest %s:\n%s", digest, logs)
			}
		})
	}
}

// TestUnbindWithoutUserID: a payload without a user id has nothing to
// unbind; it is told so without asking the bindings.
func TestUnbindWithoutUserID(t *testing.T) {
	t.Parallel()
	k := boundKeeper()
	s := newStack(t, kakaotest.NewServer(t), stackOptions{gates: k})
	rec := s.post("/kakao/unbind", []byte(`{"userRequest":{"user":{"id":""}}}`), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
	}
	checkGolden(t, "unbind", rec.Body.Bytes(), "")
	if len(k.asked) != 0 {
		t.Errorf("asked the bindings about %q, want nothing", k.asked)
	}
}

// TestGateUnbindThenGate: after an unbind the gate says not verified.
func TestGateUnbindThenGate(t *testing.T) {
	t.Parallel()
	s := newStack(t, kakaotest.NewServer(t), stackOptions{gates: boundKeeper()})
	body := readFile(t, "kakao/skill-request.json")
	for i, want := range []string{`"verified":"true"`, `"verified":"false"`, `"verified":"false"`} {
		if i == 1 {
			if rec := s.post("/kakao/unbind", body, nil); rec.Code != http.StatusOK {
				t.Fatalf("unbind: %d", rec.Code)
			}
		}
		if rec := s.post("/kakao/gate", body, nil); !bytes.Contains(rec.Body.Bytes(), []byte(want)) {
			t.Errorf("gate %d = %s, want %s", i, rec.Body, want)
		}
	}
}

// TestGatesAdmission: the secret, the bot id, the body checks and the
// client limit guard the new endpoints as they guard the others.
func TestGatesAdmission(t *testing.T) {
	t.Parallel()
	const bot = "5f1a0b2a9c8d7e0001f0e1d2" // the shared example's bot.id
	body := readFile(t, "kakao/skill-request.json")
	right := http.Header{openbuilder.SecretHeader: {"hunter2"}}
	for _, path := range []string{"/kakao/gate", "/kakao/unbind"} {
		tests := []struct {
			name   string
			cfg    openbuilder.HandlerConfig
			body   []byte
			header http.Header
			want   int
		}{
			{"no secret", openbuilder.HandlerConfig{SkillSecret: "hunter2"}, body, nil, http.StatusUnauthorized},
			{"wrong secret", openbuilder.HandlerConfig{SkillSecret: "hunter2"}, body, http.Header{openbuilder.SecretHeader: {"hunter3"}}, http.StatusUnauthorized},
			{"right secret", openbuilder.HandlerConfig{SkillSecret: "hunter2"}, body, right, http.StatusOK},
			{"other bot", openbuilder.HandlerConfig{SkillSecret: "hunter2", BotID: "another-bot"}, body, right, http.StatusForbidden},
			{"this bot", openbuilder.HandlerConfig{SkillSecret: "hunter2", BotID: bot}, body, right, http.StatusOK},
			{"malformed JSON", openbuilder.HandlerConfig{}, []byte(`{"userRequest":`), nil, http.StatusBadRequest},
			{"too large", openbuilder.HandlerConfig{}, bytes.Repeat([]byte(" "), openbuilder.MaxBodyBytes+1), nil, http.StatusRequestEntityTooLarge},
			{"over the client limit", openbuilder.HandlerConfig{Clients: &quota{n: 0, wait: time.Second}}, body, nil, http.StatusTooManyRequests},
		}
		for _, tt := range tests {
			t.Run(path+" "+tt.name, func(t *testing.T) {
				t.Parallel()
				k := boundKeeper()
				s := newStack(t, kakaotest.NewServer(t), stackOptions{handler: tt.cfg, gates: k})
				rec := s.post(path, tt.body, tt.header)
				if rec.Code != tt.want {
					t.Fatalf("status %d, want %d; body %s", rec.Code, tt.want, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type = %q", ct)
				}
				if tt.want != http.StatusOK && len(k.asked) != 0 {
					t.Errorf("a refused request reached the bindings: %q", k.asked)
				}
			})
		}
	}
}
