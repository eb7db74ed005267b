package config

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rollcall/rollcall/internal/logging"
	"github.com/rollcall/rollcall/internal/origin"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// sameOrigins compares allow-lists by what they allow.
var sameOrigins = cmp.Comparer(func(a, b origin.List) bool { return slices.Equal(a.Strings(), b.Strings()) })

func origins(t *testing.T, list ...string) origin.List {
	t.Helper()
	o, err := origin.Parse(list)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		Port:   8080,
		Source: Source{Kind: SourceCSV, Location: "examples/employees.csv"},
		Store:  Store{Kind: StoreBolt, Path: "rollcall.db"},
		Kakao: Kakao{Origins: origins(t, "https://talk-plugin-capi.kakao.com", "https://talk-plugin.kakao.com"),
			Timeout: 2500 * time.Millisecond, UserRateLimit: 10, ClientRateLimit: 50},
		Sync:     Sync{MaxDeletePercent: 20},
		Log:      Log{Format: logging.FormatJSON, Level: slog.LevelInfo},
		Bindings: Bindings{TTL: 90 * 24 * time.Hour},
	}
	if diff := cmp.Diff(want, got, sameOrigins); diff != "" {
		t.Errorf("Load() (-want +got):\n%s", diff)
	}
}

func TestLoadValues(t *testing.T) {
	t.Parallel()
	got, err := Load(env(map[string]string{
		"PORT":                        "9090",
		"ROLLCALL_SOURCE":             "https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345/edit#gid=42",
		"ROLLCALL_SHEET_RANGE":        "직원목록!A:Z",
		"ROLLCALL_SHEETS_ENDPOINT":    "http://127.0.0.1:1234/",
		"ROLLCALL_STORE":              "firestore:my-project/hr-db",
		"ROLLCALL_KAKAO_REST_API_KEY": "k",
		"ROLLCALL_KAKAO_OTP_ORIGINS":  " https://a.example , https://b.example ",
		"ROLLCALL_SKILL_SECRET":       "s",
		"ROLLCALL_BOT_ID":             "bot",
		"ROLLCALL_KAKAO_TIMEOUT":      "1.5s",
		"ROLLCALL_USER_RATE_LIMIT":    "off",
		"ROLLCALL_CLIENT_RATE_LIMIT":  "200",
		"K_SERVICE":                   "rollcall",
		"ROLLCALL_SYNC_TOKEN":         "t",
		"ROLLCALL_SYNC_INVOKERS":      "scheduler@p.iam.gserviceaccount.com",
		"ROLLCALL_SYNC_AUDIENCE":      "https://rollcall.example/internal/sync",
		"ROLLCALL_MAX_DELETE_PERCENT": "12.5",
		"ROLLCALL_LOG_FORMAT":         "TEXT",
		"ROLLCALL_LOG_LEVEL":          "debug",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		Port: 9090,
		Source: Source{Kind: SourceSheets, Location: "https://docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345/edit#gid=42",
			Sheet: SheetRef{SpreadsheetID: "1AbC_dEf-123456789012345", GID: 42, HasGID: true},
			Range: "직원목록!A:Z", SheetsEndpoint: "http://127.0.0.1:1234/"},
		Store: Store{Kind: StoreFirestore, Project: "my-project", Database: "hr-db"},
		Kakao: Kakao{RESTAPIKey: "k", Origins: origins(t, "https://a.example", "https://b.example"), Timeout: 1500 * time.Millisecond,
			SkillSecret: "s", BotID: "bot", ClientRateLimit: 200},
		Sync: Sync{Token: "t", Invokers: []string{"scheduler@p.iam.gserviceaccount.com"},
			Audience: "https://rollcall.example/internal/sync", MaxDeletePercent: 12.5},
		Log:      Log{Format: logging.FormatText, Level: slog.LevelDebug},
		Bindings: Bindings{TTL: 90 * 24 * time.Hour},
		CloudRun: true,
	}
	if diff := cmp.Diff(want, got, sameOrigins); diff != "" {
		t.Errorf("Load() (-want +got):\n%s", diff)
	}
}

func TestLoadSources(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"hr/직원.CSV":                                        SourceCSV,
		"/data/employees.xlsx":                             SourceXLSX,
		"1AbC_dEf-123456789012345abcde":                    SourceSheets,
		"https://docs.google.com/spreadsheets/d/1AbC/edit": SourceSheets,
		"docs.google.com/spreadsheets/d/1AbC_dEf-123456789012345abcde/edit": SourceSheets,
	} {
		got, err := Load(env(map[string]string{"ROLLCALL_SOURCE": in}))
		if err != nil || got.Source.Kind != want {
			t.Errorf("ROLLCALL_SOURCE=%q: kind %q, %v; want %q", in, got.Source.Kind, err, want)
		}
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"PORT":                        "eighty",
		"ROLLCALL_SOURCE":             "https://docs.google.com/document/d/x",
		"ROLLCALL_SHEETS_ENDPOINT":    "ftp://x",
		"ROLLCALL_STORE":              "nonsense:x",
		"ROLLCALL_SYNC_INVOKERS":      "not-an-email",
		"ROLLCALL_SYNC_AUDIENCE":      "/relative",
		"ROLLCALL_MAX_DELETE_PERCENT": "120",
		"ROLLCALL_LOG_FORMAT":         "xml",
		"ROLLCALL_LOG_LEVEL":          "loud",
		"ROLLCALL_KAKAO_OTP_ORIGINS":  "http://evil.example",
		"ROLLCALL_KAKAO_TIMEOUT":      "5s",
		"ROLLCALL_USER_RATE_LIMIT":    "0",
		"ROLLCALL_CLIENT_RATE_LIMIT":  "fast",
	}
	_, err := Load(env(bad))
	if err == nil {
		t.Fatal("Load accepted bad values")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestLoadStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Store
		wantErr bool
	}{
		{"bolt:/var/lib/rollcall.db", Store{Kind: StoreBolt, Path: "/var/lib/rollcall.db"}, false},
		{"firestore:p-1", Store{Kind: StoreFirestore, Project: "p-1"}, false},
		{"firestore:p-1/(default)", Store{Kind: StoreFirestore, Project: "p-1", Database: "(default)"}, false},
		{"bolt:", Store{}, true},
		{"firestore:", Store{}, true},
		{"firestore:Bad_Project", Store{}, true},
		{"firestore:p/a/b", Store{}, true},
		{"rollcall.db", Store{}, true},
	}
	for _, tt := range tests {
		got, err := Load(env(map[string]string{"ROLLCALL_STORE": tt.in}))
		if (err != nil) != tt.wantErr {
			t.Errorf("ROLLCALL_STORE=%q: error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && got.Store != tt.want {
			t.Errorf("ROLLCALL_STORE=%q: %+v, want %+v", tt.in, got.Store, tt.want)
		}
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"ROLLCALL_KAKAO_REST_API_KEY": "kakao-key-123", "ROLLCALL_SYNC_TOKEN": "sync-tok-456", "ROLLCALL_SKILL_SECRET": "skill-789"}))
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "kakao", c.Kakao, "key", c.Kakao.RESTAPIKey)
	for _, out := range []string{fmt.Sprintf("%v %+v %s", c, c, c.Kakao.RESTAPIKey), logged.String()} {
		for _, secret := range []string{"kakao-key-123", "sync-tok-456", "skill-789"} {
			if strings.Contains(out, secret) {
				t.Errorf("a secret was printed: %s", out)
			}
		}
	}
	if c.Kakao.RESTAPIKey.Reveal() != "kakao-key-123" {
		t.Error("Reveal lost the value")
	}
}

func TestLoadRejectsUnknownSources(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"employees.txt", "old.xls", "https://docs.google.com/document/d/x", "short"} {
		if _, err := Load(env(map[string]string{"ROLLCALL_SOURCE": in})); err == nil || !strings.Contains(err.Error(), "ROLLCALL_SOURCE:") {
			t.Errorf("ROLLCALL_SOURCE=%q: error %v, want one naming ROLLCALL_SOURCE", in, err)
		}
	}
}

func TestSkillSecretOff(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Kakao{
		"":       {},
		"off":    {SkillOpen: true},
		"OFF":    {SkillOpen: true},
		"s3cr3t": {SkillSecret: "s3cr3t"},
	} {
		c, err := Load(env(map[string]string{"ROLLCALL_SKILL_SECRET": in}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Kakao.SkillSecret != want.SkillSecret || c.Kakao.SkillOpen != want.SkillOpen {
			t.Errorf("ROLLCALL_SKILL_SECRET=%q: secret %q, open %v; want %q, %v",
				in, c.Kakao.SkillSecret.Reveal(), c.Kakao.SkillOpen, want.SkillSecret.Reveal(), want.SkillOpen)
		}
		if in == "s3cr3t" && strings.Contains(c.Describe(), in) {
			t.Error("Describe shows the secret")
		}
	}
}

// TestLoadRefusesNumbersThatAreNotFinite: every numeric variable refuses
// NaN, ±Inf and a number beyond float64 (1e400), naming the variable. A
// NaN brake threshold once passed the range check and turned the deletion
// brake off.
func TestLoadRefusesNumbersThatAreNotFinite(t *testing.T) {
	t.Parallel()
	numeric := []string{"PORT", "ROLLCALL_MAX_DELETE_PERCENT", "ROLLCALL_KAKAO_TIMEOUT",
		"ROLLCALL_USER_RATE_LIMIT", "ROLLCALL_CLIENT_RATE_LIMIT", "ROLLCALL_BINDING_TTL"}
	for _, name := range numeric {
		for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "infinity", "1e400", "-1e400", "0x1p5000", "1e400s", "NaNd"} {
			_, err := Load(env(map[string]string{name: v}))
			if err == nil || !strings.Contains(err.Error(), name+":") {
				t.Errorf("%s=%s: error %v, want one naming %s", name, v, err, name)
			}
		}
	}
}

func TestLoadPercentRange(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"0": 0, "100": 100, "12.5": 12.5, " 20 ": 20, "1e1": 10} {
		c, err := Load(env(map[string]string{"ROLLCALL_MAX_DELETE_PERCENT": in}))
		if err != nil || c.Sync.MaxDeletePercent != want {
			t.Errorf("ROLLCALL_MAX_DELETE_PERCENT=%q: %v, %v; want %v", in, c.Sync.MaxDeletePercent, err, want)
		}
	}
	for _, in := range []string{"-0.1", "100.01", "20%", "twenty", "1e-400x"} {
		if _, err := Load(env(map[string]string{"ROLLCALL_MAX_DELETE_PERCENT": in})); err == nil {
			t.Errorf("ROLLCALL_MAX_DELETE_PERCENT=%q accepted", in)
		}
	}
}

// TestLoadRefusesSecretsNoHeaderCarries: the skill secret and the sync
// token travel in HTTP headers; a value with a line break or another
// control character inside could never match a request, so it is refused
// at start-up, naming the variable and not the value.
func TestLoadRefusesSecretsNoHeaderCarries(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ROLLCALL_SKILL_SECRET", "ROLLCALL_SYNC_TOKEN"} {
		for _, v := range []string{"abc\ndef", "abc\r\ndef", "abc\rdef", "abc\x00def", "abc\x7fdef", "abc\x1bdef"} {
			_, err := Load(env(map[string]string{name: v}))
			if err == nil || !strings.Contains(err.Error(), name+":") {
				t.Errorf("%s=%q: error %v, want one naming %s", name, v, err, name)
				continue
			}
			if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "def") {
				t.Errorf("%s: the error shows the secret: %v", name, err)
			}
		}
		// What a header does carry is kept as it is; surrounding
		// whitespace (a pasted trailing newline) is trimmed, as HTTP trims it.
		for in, want := range map[string]string{"s3cr3t-_.~+/=": "s3cr3t-_.~+/=", "two words": "two words", "tok\n": "tok", "비밀": "비밀"} {
			c, err := Load(env(map[string]string{name: in}))
			if err != nil {
				t.Errorf("%s=%q: %v", name, in, err)
				continue
			}
			got := c.Sync.Token
			if name == "ROLLCALL_SKILL_SECRET" {
				got = c.Kakao.SkillSecret
			}
			if got.Reveal() != want {
				t.Errorf("%s=%q: %q, want %q", name, in, got.Reveal(), want)
			}
		}
	}
}
