package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoadBindings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ttl, block string
		want       Bindings
	}{
		{"", "", Bindings{TTL: 90 * 24 * time.Hour}},
		{"30d", "5f1a0c7e3b2d4a0001a1b2c3", Bindings{TTL: 30 * 24 * time.Hour, AuthBlockID: "5f1a0c7e3b2d4a0001a1b2c3"}},
		{"12h", "", Bindings{TTL: 12 * time.Hour}},
		{"off", "", Bindings{}},
	} {
		c, err := Load(env(map[string]string{"ROLLCALL_BINDING_TTL": tt.ttl, "ROLLCALL_AUTH_BLOCK_ID": tt.block}))
		if err != nil {
			t.Errorf("TTL %q, block %q: %v", tt.ttl, tt.block, err)
			continue
		}
		if c.Bindings != tt.want {
			t.Errorf("TTL %q, block %q: got %+v, want %+v", tt.ttl, tt.block, c.Bindings, tt.want)
		}
		if d := c.Describe(); !strings.Contains(d, "ROLLCALL_BINDING_TTL") {
			t.Errorf("Describe leaves ROLLCALL_BINDING_TTL out:\n%s", d)
		}
	}
}

func TestLoadBindingsRefusesBadValues(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]string{
		"ROLLCALL_BINDING_TTL":   "90 days",
		"ROLLCALL_AUTH_BLOCK_ID": "https://chatbot.kakao.com/bot/x/block/y",
	} {
		_, err := Load(env(map[string]string{name: v}))
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s=%q: error %v does not name it", name, v, err)
		}
	}
	for _, v := range []string{"0", "-1h", "0d"} {
		if _, err := Load(env(map[string]string{"ROLLCALL_BINDING_TTL": v})); err == nil {
			t.Errorf("ROLLCALL_BINDING_TTL=%q accepted", v)
		}
	}
}
