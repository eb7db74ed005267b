package origin

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kakao are Kakao's OTP profile origins, current and older.
var kakao = []string{"https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string // nil means a configuration error
	}{
		{"Kakao's", kakao, kakao},
		{"default port dropped", []string{"https://talk-plugin-capi.kakao.com:443"}, []string{"https://talk-plugin-capi.kakao.com"}},
		{"case and slash", []string{" HTTPS://Talk-Plugin-CAPI.Kakao.COM/ "}, []string{"https://talk-plugin-capi.kakao.com"}},
		{"duplicates merged", []string{"https://a.example", "https://A.example:443"}, []string{"https://a.example"}},
		{"other port kept", []string{"https://a.example:8443"}, []string{"https://a.example:8443"}},
		{"http on 127.0.0.1", []string{"http://127.0.0.1:8090"}, []string{"http://127.0.0.1:8090"}},
		{"http on localhost", []string{"http://LOCALHOST:8090"}, []string{"http://localhost:8090"}},
		{"http on ::1", []string{"http://[::1]:8090"}, []string{"http://[::1]:8090"}},
		{"http default port", []string{"http://127.0.0.1:80"}, []string{"http://127.0.0.1"}},
		{"https IP literal", []string{"https://10.0.0.1"}, []string{"https://10.0.0.1"}},

		{"empty list", nil, nil},
		{"empty entry", []string{""}, nil},
		{"http non-loopback", []string{"http://talk-plugin-capi.kakao.com"}, nil},
		{"http private IP", []string{"http://10.0.0.1"}, nil},
		{"http look-alike localhost", []string{"http://localhost.evil.com"}, nil},
		{"ftp", []string{"ftp://talk-plugin-capi.kakao.com"}, nil},
		{"no scheme", []string{"talk-plugin-capi.kakao.com"}, nil},
		{"user-info", []string{"https://user@talk-plugin-capi.kakao.com"}, nil},
		{"path", []string{"https://talk-plugin-capi.kakao.com/otp"}, nil},
		{"query", []string{"https://talk-plugin-capi.kakao.com?x=1"}, nil},
		{"fragment", []string{"https://talk-plugin-capi.kakao.com#x"}, nil},
		{"escape", []string{"https://talk-plugin-capi%2ekakao.com"}, nil},
		{"backslash", []string{`https://talk-plugin-capi.kakao.com\`}, nil},
		{"bad port", []string{"https://talk-plugin-capi.kakao.com:99999"}, nil},
		{"port zero", []string{"https://talk-plugin-capi.kakao.com:0"}, nil},
		{"empty label", []string{"https://talk-plugin-capi..kakao.com"}, nil},
		{"underscore host", []string{"https://talk_plugin.kakao.com"}, nil},
		{"non-ASCII host", []string{"https://카카오.com"}, nil},
		{"one bad among good", []string{"https://talk-plugin-capi.kakao.com", "http://evil.com"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want an error", tt.in, got.Strings())
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got.Strings()); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseReportsEveryBadEntry(t *testing.T) {
	t.Parallel()
	_, err := Parse([]string{"http://a.example", "https://ok.example", "ftp://b.example"})
	if err == nil {
		t.Fatal("Parse: want an error")
	}
	for _, want := range []string{`"http://a.example"`, `"ftp://b.example"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range append(kakao, "https://a.example:8443", "http://[::1]:8090", "http://LOCALHOST", "https://x%2e.example", "", "https:") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		// Never panics; what it accepts is normalised and stable.
		if o, err := Parse([]string{raw}); err == nil {
			again, err := Parse(o.Strings())
			if err != nil || !cmp.Equal(again.Strings(), o.Strings()) {
				t.Fatalf("Parse(%q) = %q, but re-parsing gives %q, %v", raw, o.Strings(), again.Strings(), err)
			}
		}
	})
}
