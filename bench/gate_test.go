package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

func TestGateCalls(t *testing.T) {
	t.Parallel()
	vt, err := os.ReadFile("../" + validationTemplate)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile("../" + skillTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var calls []call
	for _, u := range []struct {
		key  string
		want []byte
	}{{"user-employee", wantSuccess}, {"user-stranger", wantFail}} {
		body, err := validationBody(vt, "https://kakao.example/otp/1/profile", u.key)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, call{body: body, want: u.want})
	}
	got, err := gateCalls(st, calls)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		key  string
		want []byte
	}{{"user-employee", wantVerified}, {"user-stranger", wantNotVerified}} {
		var p struct {
			UserRequest struct {
				User struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"user"`
			} `json:"userRequest"`
			Bot map[string]string `json:"bot"`
		}
		if err := json.Unmarshal(got[i].body, &p); err != nil {
			t.Fatal(err)
		}
		if p.UserRequest.User.ID != want.key || p.UserRequest.User.Properties["botUserKey"] != want.key || p.Bot["id"] == "" {
			t.Errorf("gate call %d: user %q (botUserKey %v), bot %v; want user %q and the template's bot",
				i, p.UserRequest.User.ID, p.UserRequest.User.Properties["botUserKey"], p.Bot, want.key)
		}
		if !bytes.Equal(got[i].want, want.want) {
			t.Errorf("gate call %d wants %s, want %s", i, got[i].want, want.want)
		}
	}
}
