package deploy

import (
	"regexp"
	"strings"
	"testing"
)

// rollcallVariable finds the names of rollcall's variables in any text.
var rollcallVariable = regexp.MustCompile(`\bROLLCALL_[A-Z0-9_]+\b`)

// TestEveryVariableNamedExistsInConfig: an operator who sets a variable that
// internal/config does not read configures nothing, silently.
func TestEveryVariableNamedExistsInConfig(t *testing.T) {
	t.Parallel()
	known, _ := configVariables(t)
	named := map[string]bool{}
	for _, file := range operatorFiles(t) {
		for _, name := range rollcallVariable.FindAllString(readRepoFile(t, file), -1) {
			named[name] = true
			if !known[name] {
				t.Errorf("%s names %s, which internal/config/config.go does not read", file, name)
			}
		}
	}
	// The deploy step's variables must have been among those read.
	for _, name := range []string{"ROLLCALL_SOURCE", "ROLLCALL_STORE", "ROLLCALL_SYNC_INVOKERS", "ROLLCALL_SYNC_AUDIENCE", "ROLLCALL_KAKAO_REST_API_KEY"} {
		if !named[name] {
			t.Errorf("no operator file names %s: is the scan reading them?", name)
		}
	}
}

// TestSecretsComeOnlyFromSecretManager: the variables config treats as
// secrets (and any name that looks like one) are never set as plain
// environment values, only as --set-secrets references.
func TestSecretsComeOnlyFromSecretManager(t *testing.T) {
	t.Parallel()
	_, secret := configVariables(t)
	cb := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
	run := runOperatorScripts(t, newFakeGcloud(t))

	type envSource struct {
		where string
		value string
	}
	var sources []envSource
	for _, s := range cb.Steps {
		for _, kv := range s.Env {
			sources = append(sources, envSource{"cloudbuild.yaml step " + s.ID + " env", kv})
		}
		for flag, value := range gcloudFlags(s.Args) {
			if flag == "set-env-vars" || flag == "update-env-vars" {
				sources = append(sources, envSource{"cloudbuild.yaml step " + s.ID + " --" + flag, value})
			}
		}
	}
	for _, c := range run.all() {
		for flag, value := range gcloudFlags(c.Args) {
			if flag == "set-env-vars" || flag == "update-env-vars" {
				sources = append(sources, envSource{c.words() + " --" + flag, value})
			}
		}
	}
	if len(sources) < 3 {
		t.Fatalf("found only %d places that set variables: is the check reading them?", len(sources))
	}
	for _, src := range sources {
		vars, err := gcloudDict(src.value)
		if err != nil {
			t.Errorf("%s: %v", src.where, err)
			continue
		}
		for name := range vars {
			if secret[name] || secretishName.MatchString(name) {
				t.Errorf("%s sets %s as a plain value: use --set-secrets with a Secret Manager secret", src.where, name)
			}
		}
	}

	_, flags := deployStep(t, cb)
	refs, err := gcloudDict(flags["set-secrets"])
	if err != nil {
		t.Fatalf("--set-secrets: %v", err)
	}
	secretRef := regexp.MustCompile(`^[a-z][a-z0-9-]*:(latest|[0-9]+)$`)
	for name, ref := range refs {
		if !secret[name] {
			t.Errorf("--set-secrets sets %s, which config does not load as a secret", name)
		}
		if !secretRef.MatchString(ref) {
			t.Errorf("--set-secrets %s=%s is not a SECRET:VERSION reference", name, ref)
		}
	}
}

// secretLooking lists patterns of values that must never be written down.
var secretLooking = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a Kakao REST API key (32 hex digits)", regexp.MustCompile(`\b[0-9a-f]{32}\b`)},
	{"a Google API key", regexp.MustCompile(`AIza[0-9A-Za-z_-]{35}`)},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"a service-account key file", regexp.MustCompile(`"private_key(_id)?"\s*:`)},
	{"an OAuth access token", regexp.MustCompile(`\bya29\.[0-9A-Za-z_-]{20,}`)},
	{"a JWT", regexp.MustCompile(`\beyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\.`)},
	{"a secret version added from a file or argv, not stdin",
		regexp.MustCompile(`secrets versions add\b[^\n]*--data-file=(?:[^-\s]|-\S)`)},
	{"a secret created with data", regexp.MustCompile(`secrets create\b[^\n]*--data-file`)},
	{"a skill secret or REST API key value in a URL", regexp.MustCompile(`[?&](secret|rest_api_key)=[0-9A-Za-z]{12,}`)},
	{"a plain value for a secret variable", regexp.MustCompile(`\b(ROLLCALL_(KAKAO_REST_API_KEY|SKILL_SECRET|SYNC_TOKEN))=[0-9A-Za-z]{8,}`)},
}

// findSecretLooking returns what text seems to hold, if anything.
func findSecretLooking(text string) []string {
	var found []string
	for _, p := range secretLooking {
		if m := p.re.FindString(text); m != "" {
			found = append(found, p.what+" ("+m[:min(len(m), 12)]+"…)")
		}
	}
	return found
}

func TestNoSecretValueIsWrittenDown(t *testing.T) {
	t.Parallel()
	for _, file := range operatorFiles(t) {
		for _, found := range findSecretLooking(readRepoFile(t, file)) {
			t.Errorf("%s seems to hold %s", file, found)
		}
	}
}

// TestFindSecretLooking shows that the scan above can fail. The samples are
// built at run time, so that this file holds none of them.
func TestFindSecretLooking(t *testing.T) {
	t.Parallel()
	hex32 := strings.Repeat("a1", 16)
	tests := []struct {
		text      string
		wantFound bool
	}{
		{text: "kakao key " + hex32, wantFound: true},
		{text: "AIza" + strings.Repeat("B", 35), wantFound: true},
		{text: "-----BEGIN " + "PRIVATE KEY-----", wantFound: true},
		{text: `{"private_` + `key": "x"}`, wantFound: true},
		{text: "printf x | gcloud secrets versions add skill-secret --data-file=/tmp/s", wantFound: true},
		{text: "gcloud secrets create skill-secret --data-file=-", wantFound: true},
		{text: "https://x.run.app/kakao/validate?secret=" + hex32[:20], wantFound: true},
		{text: "ROLLCALL_SKILL_SECRET=" + hex32[:10], wantFound: true},
		{text: "gcloud secrets versions add kakao-rest-api-key --data-file=-", wantFound: false},
		{text: "https://<service>/kakao/validate?secret=<the skill secret>", wantFound: false},
		{text: "ROLLCALL_SKILL_SECRET=skill-secret:latest", wantFound: false},
		{text: "rollcall:0123456789abcdef0123456789abcdef01234567", wantFound: false},
	}
	for _, tt := range tests {
		if got := findSecretLooking(tt.text); (len(got) > 0) != tt.wantFound {
			t.Errorf("findSecretLooking(%q) = %q, want found %v", tt.text, got, tt.wantFound)
		}
	}
}
