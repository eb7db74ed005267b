package secret_test

import (
	"testing"

	"github.com/rollcall/rollcall/internal/secret"
)

func TestMatches(t *testing.T) {
	t.Parallel()
	const configured = "c2VjcmV0LXRva2VuLTEyMzQ1Njc4OTA"
	tests := []struct {
		name       string
		configured string
		got        string
		want       bool
	}{
		{"the secret", configured, configured, true},
		{"another", configured, "c2VjcmV0LXRva2VuLTEyMzQ1Njc4OTE", false},
		{"a prefix", configured, configured[:10], false},
		{"longer", configured, configured + "0", false},
		{"empty", configured, "", false},
		{"none configured, empty presented", "", "", false},
		{"none configured", "", configured, false},
		{"Korean", "비밀번호-토큰", "비밀번호-토큰", true},
	}
	for _, tt := range tests {
		s := secret.New(tt.configured)
		if got := s.Matches(tt.got); got != tt.want {
			t.Errorf("%s: New(%q).Matches(%q) = %v, want %v", tt.name, tt.configured, tt.got, got, tt.want)
		}
		if got := s.IsSet(); got != (tt.configured != "") {
			t.Errorf("%s: New(%q).IsSet() = %v", tt.name, tt.configured, got)
		}
	}
}
