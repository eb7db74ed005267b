package kakao

import (
	"errors"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/origin"
	"github.com/rollcall/rollcall/internal/verify"
)

// Kakao's OTP URLs on its current and older origins.
const (
	exampleOTP    = "https://talk-plugin-capi.kakao.com/otp/5f1a0e11aa22bb33cc44dd55/profile"
	exampleOldOTP = "https://talk-plugin.kakao.com/otp/62247d59d36c554596ea60eb/profile"
)

func TestOriginsCheck(t *testing.T) {
	t.Parallel()
	origins, err := origin.Parse(append(DefaultOrigins(), "http://127.0.0.1:8090", "https://10.1.2.3:8443"))
	if err != nil {
		t.Fatal(err)
	}
	const path = "/otp/5f1a0e11aa22bb33cc44dd55/profile"
	tests := []struct {
		name string
		in   string
		want string // "" means refused
	}{
		{"current host", "https://talk-plugin-capi.kakao.com" + path, "https://talk-plugin-capi.kakao.com" + path},
		{"older host", "https://talk-plugin.kakao.com" + path, "https://talk-plugin.kakao.com" + path},
		{"explicit default port", "https://talk-plugin-capi.kakao.com:443" + path, "https://talk-plugin-capi.kakao.com" + path},
		{"upper-case host", "https://TALK-PLUGIN-CAPI.kakao.com" + path, "https://talk-plugin-capi.kakao.com" + path},
		{"upper-case scheme", "HTTPS://talk-plugin-capi.kakao.com" + path, "https://talk-plugin-capi.kakao.com" + path},
		{"existing query kept", "https://talk-plugin-capi.kakao.com" + path + "?lang=ko", "https://talk-plugin-capi.kakao.com" + path + "?lang=ko"},
		{"listed loopback http", "http://127.0.0.1:8090" + path, "http://127.0.0.1:8090" + path},
		{"listed IP", "https://10.1.2.3:8443" + path, "https://10.1.2.3:8443" + path},

		{"another host", "https://evil.com" + path, ""},
		{"look-alike suffix", "https://talk-plugin-capi.kakao.com.evil.com" + path, ""},
		{"look-alike prefix", "https://eviltalk-plugin-capi.kakao.com" + path, ""},
		{"sub-domain", "https://x.talk-plugin-capi.kakao.com" + path, ""},
		{"trailing dot", "https://talk-plugin-capi.kakao.com." + path, ""},
		{"user-info", "https://talk-plugin-capi.kakao.com@evil.com" + path, ""},
		{"user-info with password", "https://talk-plugin-capi.kakao.com:443@evil.com" + path, ""},
		{"fragment trick", "https://evil.com#@talk-plugin-capi.kakao.com" + path, ""},
		{"fragment", "https://talk-plugin-capi.kakao.com" + path + "#x", ""},
		{"backslash trick", `https://evil.com\@talk-plugin-capi.kakao.com` + path, ""},
		{"backslash path", `https://talk-plugin-capi.kakao.com\` + path, ""},
		{"percent-encoded host", "https://talk-plugin-capi%2ekakao.com" + path, ""},
		{"percent-encoded path", "https://talk-plugin-capi.kakao.com/otp/%2e%2e/profile", ""},
		{"plain http to Kakao", "http://talk-plugin-capi.kakao.com" + path, ""},
		{"https to the http loopback origin", "https://127.0.0.1:8090" + path, ""},
		{"other loopback port", "http://127.0.0.1:8091" + path, ""},
		{"unlisted IP", "https://127.0.0.1" + path, ""},
		{"IPv6 literal", "https://[::1]" + path, ""},
		{"decimal IP", "https://2130706433" + path, ""},
		{"other port", "https://talk-plugin-capi.kakao.com:8443" + path, ""},
		{"wrong path", "https://talk-plugin-capi.kakao.com/v2/user/me", ""},
		{"dot segments", "https://talk-plugin-capi.kakao.com/otp/../v2/user/me/profile", ""},
		{"extra segment", "https://talk-plugin-capi.kakao.com/otp/a/b/profile", ""},
		{"path suffix", "https://talk-plugin-capi.kakao.com" + path + "/x", ""},
		{"no id", "https://talk-plugin-capi.kakao.com/otp//profile", ""},
		{"scheme-relative", "//talk-plugin-capi.kakao.com" + path, ""},
		{"relative", path, ""},
		{"opaque", "https:talk-plugin-capi.kakao.com" + path, ""},
		{"javascript", "javascript:alert(1)", ""},
		{"space", "https://talk-plugin-capi.kakao.com " + path, ""},
		{"tab", "https://talk-plugin-capi.kakao.com\t" + path, ""},
		{"non-ASCII look-alike", "https://talk-plugin-capi.kakaо.com" + path, ""}, // Cyrillic о
		{"full-width dot", "https://talk-plugin-capi.kakao。com" + path, ""},
		{"too long", "https://talk-plugin-capi.kakao.com" + path + "?" + strings.Repeat("a", 3000), ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := checkOTPURL(origins, tt.in)
			if tt.want == "" {
				if !errors.Is(err, verify.ErrOriginRefused) {
					t.Fatalf("Check(%q) = %v, %v; want verify.ErrOriginRefused", tt.in, got, err)
				}
				if tt.in != "" && strings.Contains(err.Error(), tt.in) {
					t.Errorf("Check(%q) error %q contains the URL", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check(%q): %v", tt.in, err)
			}
			if got.String() != tt.want {
				t.Errorf("Check(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestZeroOriginsRefuseEverything(t *testing.T) {
	t.Parallel()
	var o origin.List
	if _, err := checkOTPURL(o, exampleOTP); !errors.Is(err, verify.ErrOriginRefused) {
		t.Errorf("zero Origins Check(example) err = %v, want verify.ErrOriginRefused", err)
	}
}

func FuzzCheckOTPURL(f *testing.F) {
	for _, s := range []string{
		exampleOTP, exampleOldOTP,
		"https://talk-plugin-capi.kakao.com:443/otp/abc/profile?x=1",
		"http://127.0.0.1:8090/otp/5f1a0e11aa22bb33cc44dd55/profile",
		"https://talk-plugin-capi.kakao.com.evil.com/otp/abc/profile",
		"https://evil.com#@talk-plugin-capi.kakao.com/otp/abc/profile",
		"https://talk-plugin-capi.kakao.com@evil.com/otp/abc/profile",
		`https://evil.com\@talk-plugin-capi.kakao.com/otp/abc/profile`,
		"https://talk-plugin-capi%2ekakao.com/otp/abc/profile",
		"https://[::1]:443/otp/a/profile",
		"", "https:", "//x", "http://localhost",
	} {
		f.Add(s)
	}
	origins, err := origin.Parse(append(DefaultOrigins(), "http://127.0.0.1:8090"))
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, o := range origins.Strings() {
		allowed[o] = true
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := checkOTPURL(origins, raw)
		if err != nil {
			if !errors.Is(err, verify.ErrOriginRefused) {
				t.Fatalf("Check(%q) error %v does not wrap verify.ErrOriginRefused", raw, err)
			}
			if len(raw) > 8 && strings.Contains(err.Error(), raw) {
				t.Fatalf("Check(%q) error %q contains the URL", raw, err)
			}
			return
		}
		if u.User != nil || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("Check(%q) accepted %#v", raw, u)
		}
		if origin := u.Scheme + "://" + u.Host; !allowed[origin] {
			t.Fatalf("Check(%q) accepted origin %q, not on the list", raw, origin)
		}
		if !isOTPPath(u.EscapedPath()) {
			t.Fatalf("Check(%q) accepted path %q", raw, u.EscapedPath())
		}
		// What a client will actually request must pass again, unchanged.
		again, err := checkOTPURL(origins, u.String())
		if err != nil || again.String() != u.String() {
			t.Fatalf("Check(%q) = %q, but Check of that = %v, %v", raw, u, again, err)
		}
	})
}
