package deploy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// cloudBuild is the part of Cloud Build's config schema that cloudbuild.yaml
// uses. It is decoded strictly: a misspelt key (entryPoint, waitfor) fails.
type cloudBuild struct {
	Substitutions  map[string]string `yaml:"substitutions"`
	ServiceAccount string            `yaml:"serviceAccount"`
	Options        struct {
		Logging string `yaml:"logging"`
	} `yaml:"options"`
	Timeout string      `yaml:"timeout"`
	Steps   []buildStep `yaml:"steps"`
	Images  []string    `yaml:"images"`
}

// buildStep is one step of a build.
type buildStep struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Entrypoint string   `yaml:"entrypoint"`
	Args       []string `yaml:"args"`
	Env        []string `yaml:"env"`
	WaitFor    []string `yaml:"waitFor"`
}

// Values of Cloud Build's built-in substitutions for rendering in tests.
const (
	testProject       = "test-project"
	testProjectNumber = "123456789012"
	testCommit        = "0123456789abcdef0123456789abcdef01234567"
	testSheetURL      = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF/edit#gid=0"
)

// builtinSubstitutions are the substitutions Cloud Build itself provides.
func builtinSubstitutions() map[string]string {
	return map[string]string{
		"PROJECT_ID": testProject, "PROJECT_NUMBER": testProjectNumber, "BUILD_ID": "build-1",
		"LOCATION": "global", "COMMIT_SHA": testCommit, "SHORT_SHA": testCommit[:7],
		"REVISION_ID": testCommit, "REPO_NAME": "rollcall", "REPO_FULL_NAME": "rollcall/rollcall",
		"BRANCH_NAME": "main", "TAG_NAME": "", "REF_NAME": "main", "TRIGGER_NAME": "",
		"TRIGGER_BUILD_CONFIG_PATH": "", "SERVICE_ACCOUNT_EMAIL": "", "SERVICE_ACCOUNT": "",
	}
}

// substitutionRef finds what Cloud Build substitutes: $$ (a literal $),
// ${NAME} and $NAME.
var substitutionRef = regexp.MustCompile(`\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$`)

// substitute renders s as Cloud Build would, recording each name used. A
// name with no value is an error: Cloud Build refuses the build for it, and a
// shell variable meant for a step's script must be written $$NAME.
func substitute(s string, values map[string]string, used map[string]bool) (string, error) {
	var err error
	out := substitutionRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := substitutionRef.FindStringSubmatch(m)
		name := sub[1] + sub[2]
		if name == "" {
			err = fmt.Errorf("a lone $ in %q (write $$ for a literal $)", s)
			return m
		}
		v, ok := values[name]
		if !ok {
			err = fmt.Errorf("%q uses $%s, which is neither a built-in nor a declared substitution (a shell variable is written $$%s)", s, name, name)
			return m
		}
		used[name] = true
		return v
	})
	return out, err
}

// loadCloudBuild parses cloudbuild.yaml strictly.
func loadCloudBuild(t *testing.T) cloudBuild {
	t.Helper()
	var cb cloudBuild
	if err := yaml.UnmarshalWithOptions([]byte(readRepoFile(t, "cloudbuild.yaml")), &cb, yaml.Strict()); err != nil {
		t.Fatalf("cloudbuild.yaml does not parse as a Cloud Build config:\n%v", err)
	}
	return cb
}

// renderCloudBuild returns cloudbuild.yaml with every substitution applied:
// the built-ins, the file's defaults, then overrides (as --substitutions
// would). It fails the test on an unknown name.
func renderCloudBuild(t *testing.T, overrides map[string]string) (cloudBuild, map[string]bool) {
	t.Helper()
	cb := loadCloudBuild(t)
	values := builtinSubstitutions()
	for k, v := range cb.Substitutions {
		values[k] = v
	}
	for k, v := range overrides {
		values[k] = v
	}
	used := map[string]bool{}
	render := func(s string) string {
		out, err := substitute(s, values, used)
		if err != nil {
			t.Errorf("cloudbuild.yaml: %v", err)
		}
		return out
	}
	cb.ServiceAccount = render(cb.ServiceAccount)
	for i := range cb.Images {
		cb.Images[i] = render(cb.Images[i])
	}
	for i := range cb.Steps {
		s := &cb.Steps[i]
		s.Name, s.Entrypoint = render(s.Name), render(s.Entrypoint)
		for j := range s.Args {
			s.Args[j] = render(s.Args[j])
		}
		for j := range s.Env {
			s.Env[j] = render(s.Env[j])
		}
	}
	return cb, used
}

// step returns the step with the given id.
func (cb cloudBuild) step(t *testing.T, id string) (buildStep, int) {
	t.Helper()
	for i, s := range cb.Steps {
		if s.ID == id {
			return s, i
		}
	}
	t.Fatalf("cloudbuild.yaml has no step with id %q", id)
	return buildStep{}, -1
}

// deployStep returns the `gcloud run deploy` step and its flags.
func deployStep(t *testing.T, cb cloudBuild) (buildStep, map[string]string) {
	t.Helper()
	s, _ := cb.step(t, "deploy")
	if s.Entrypoint != "gcloud" || len(s.Args) < 3 || s.Args[0] != "run" || s.Args[1] != "deploy" {
		t.Fatalf("deploy step runs %s %q, want gcloud run deploy SERVICE ...", s.Entrypoint, s.Args)
	}
	return s, gcloudFlags(s.Args)
}

func TestCloudBuildParsesAndEverySubstitutionResolves(t *testing.T) {
	t.Parallel()
	cb := loadCloudBuild(t)
	if len(cb.Steps) == 0 {
		t.Fatal("cloudbuild.yaml has no steps")
	}
	_, used := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
	// Cloud Build refuses a build whose declared substitution is never used.
	for _, name := range sortedKeys(cb.Substitutions) {
		if !strings.HasPrefix(name, "_") {
			t.Errorf("substitution %s: user substitutions must start with _", name)
		}
		if !used[name] {
			t.Errorf("substitution %s is declared but never used", name)
		}
		if secretishName.MatchString(name) {
			t.Errorf("substitution %s looks like a secret: secrets come from Secret Manager, not substitutions", name)
		}
	}
	wantDefaults := map[string]string{"_REGION": "asia-northeast3", "_SERVICE": "rollcall"}
	for name, want := range wantDefaults {
		if got := cb.Substitutions[name]; got != want {
			t.Errorf("substitution %s defaults to %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"_REPOSITORY", "_SHEET_URL"} {
		if _, ok := cb.Substitutions[name]; !ok {
			t.Errorf("substitution %s is not declared", name)
		}
	}
	if cb.Options.Logging != "CLOUD_LOGGING_ONLY" {
		t.Errorf("options.logging = %q; a build with its own service account needs CLOUD_LOGGING_ONLY", cb.Options.Logging)
	}
}

func TestCloudBuildStepsTestBuildPushDeployInOrder(t *testing.T) {
	t.Parallel()
	cb, _ := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
	image := "asia-northeast3-docker.pkg.dev/" + testProject + "/rollcall/rollcall:" + testCommit

	test, iTest := cb.step(t, "test")
	script := strings.Join(test.Args, " ")
	for _, want := range []string{"go vet ./...", "go test", "./..."} {
		if !strings.Contains(script, want) {
			t.Errorf("test step runs %q, want it to contain %q", script, want)
		}
	}
	if !strings.HasPrefix(test.Name, "golang:1.26") {
		t.Errorf("test step image %s, want golang:1.26 (the Dockerfile's Go)", test.Name)
	}

	build, iBuild := cb.step(t, "build")
	if diff := cmp.Diff([]string{"build", "--build-arg=VERSION=" + testCommit, "--tag=" + image, "."}, build.Args); diff != "" {
		t.Errorf("build step args (-want +got):\n%s", diff)
	}
	push, iPush := cb.step(t, "push")
	if diff := cmp.Diff([]string{"push", image}, push.Args); diff != "" {
		t.Errorf("push step args (-want +got):\n%s", diff)
	}
	deploy, iDeploy := cb.step(t, "deploy")
	if got := gcloudFlags(deploy.Args)["image"]; got != image {
		t.Errorf("deploy --image=%s, want the pushed %s", got, image)
	}
	if diff := cmp.Diff([]string{image}, cb.Images); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	if !(iTest < iBuild && iBuild < iPush && iPush < iDeploy) {
		t.Errorf("steps in order test %d, build %d, push %d, deploy %d: want test < build < push < deploy", iTest, iBuild, iPush, iDeploy)
	}
	for _, s := range cb.Steps {
		if len(s.WaitFor) > 0 {
			t.Errorf("step %s has waitFor %q: the steps must run one after another", s.ID, s.WaitFor)
		}
	}
}

func TestCloudBuildDeploysWarmProbedAndWithSecretsFromSecretManager(t *testing.T) {
	t.Parallel()
	cb, _ := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
	deploy, flags := deployStep(t, cb)

	wantFlags := map[string]string{
		"region":                "asia-northeast3",
		"min-instances":         "1",
		"cpu-boost":             "",
		"allow-unauthenticated": "",
		"service-account":       "rollcall-runtime@" + testProject + ".iam.gserviceaccount.com",
		"port":                  "8080",
		"cpu-throttling":        "",
		"max-instances":         "4",
		"memory":                "512Mi",
		"cpu":                   "1",
		"concurrency":           "80",
		"timeout":               "300s",
		"startup-probe":         flags["startup-probe"],
		"set-secrets":           flags["set-secrets"],
		"set-env-vars":          flags["set-env-vars"],
		"image":                 flags["image"],
	}
	if diff := cmp.Diff(wantFlags, flags); diff != "" {
		t.Errorf("gcloud run deploy flags (-want +got):\n%s", diff)
	}
	if got := gcloudPositionals(deploy.Args); len(got) != 3 || got[2] != "rollcall" {
		t.Errorf("deploy positionals %q, want run deploy rollcall", got)
	}

	// The startup probe: /ready, within Cloud Run's limits (period × failures
	// ≤ 240 s, timeout ≤ period).
	probe, err := gcloudDict(flags["startup-probe"])
	if err != nil {
		t.Fatalf("--startup-probe: %v", err)
	}
	if probe["httpGet.path"] != "/ready" {
		t.Errorf("startup probe path %q, want /ready", probe["httpGet.path"])
	}
	if probe["httpGet.port"] != flags["port"] {
		t.Errorf("startup probe port %q, want the container port %q", probe["httpGet.port"], flags["port"])
	}
	period, errP := strconv.Atoi(probe["periodSeconds"])
	failures, errF := strconv.Atoi(probe["failureThreshold"])
	timeout, errT := strconv.Atoi(probe["timeoutSeconds"])
	if errP != nil || errF != nil || errT != nil {
		t.Fatalf("startup probe %v: periodSeconds, failureThreshold and timeoutSeconds must be numbers", probe)
	}
	if period*failures > 240 || timeout > period || period*failures < 60 {
		t.Errorf("startup probe period %d s × %d failures, timeout %d s: want 60–240 s in all and timeout ≤ period", period, failures, timeout)
	}

	secrets, err := gcloudDict(flags["set-secrets"])
	if err != nil {
		t.Fatalf("--set-secrets: %v", err)
	}
	wantSecrets := map[string]string{
		"ROLLCALL_KAKAO_REST_API_KEY": "kakao-rest-api-key:latest",
		"ROLLCALL_SKILL_SECRET":       "skill-secret:latest",
	}
	if diff := cmp.Diff(wantSecrets, secrets); diff != "" {
		t.Errorf("--set-secrets (-want +got):\n%s", diff)
	}

	env, err := gcloudDict(flags["set-env-vars"])
	if err != nil {
		t.Fatalf("--set-env-vars: %v", err)
	}
	wantEnv := map[string]string{
		"ROLLCALL_SOURCE":             testSheetURL,
		"ROLLCALL_SHEET_RANGE":        "",
		"ROLLCALL_FEEDBACK_TAB":       "",
		"ROLLCALL_STORE":              "firestore:" + testProject,
		"ROLLCALL_BOT_ID":             "",
		"ROLLCALL_SYNC_INVOKERS":      "rollcall-scheduler@" + testProject + ".iam.gserviceaccount.com",
		"ROLLCALL_SYNC_AUDIENCE":      "https://rollcall-" + testProjectNumber + ".asia-northeast3.run.app/internal/sync",
		"ROLLCALL_MAX_DELETE_PERCENT": "20",
		"ROLLCALL_LOG_FORMAT":         "json",
		"ROLLCALL_LOG_LEVEL":          "info",
		"GOMEMLIMIT":                  "400MiB", // below --memory=512Mi
	}
	if diff := cmp.Diff(wantEnv, env); diff != "" {
		t.Errorf("--set-env-vars (-want +got):\n%s", diff)
	}
}

// TestCloudBuildSheetURLWithCommaSurvives pins the reason for ^|^: gcloud
// would split a value with a comma into two variables.
func TestCloudBuildSheetURLWithCommaSurvives(t *testing.T) {
	t.Parallel()
	sheet := testSheetURL + "&range=A1,B2"
	cb, _ := renderCloudBuild(t, map[string]string{"_SHEET_URL": sheet, "_SHEET_RANGE": "직원목록!A:Z", "_FEEDBACK_TAB": "동기화 결과"})
	_, flags := deployStep(t, cb)
	env, err := gcloudDict(flags["set-env-vars"])
	if err != nil {
		t.Fatalf("--set-env-vars: %v", err)
	}
	if env["ROLLCALL_SOURCE"] != sheet || env["ROLLCALL_SHEET_RANGE"] != "직원목록!A:Z" {
		t.Errorf("ROLLCALL_SOURCE %q, ROLLCALL_SHEET_RANGE %q: want %q and 직원목록!A:Z", env["ROLLCALL_SOURCE"], env["ROLLCALL_SHEET_RANGE"], sheet)
	}
	if env["ROLLCALL_FEEDBACK_TAB"] != "동기화 결과" {
		t.Errorf("ROLLCALL_FEEDBACK_TAB %q, want the _FEEDBACK_TAB substitution", env["ROLLCALL_FEEDBACK_TAB"])
	}
}

// TestSubstitute checks the renderer the other tests rely on.
func TestSubstitute(t *testing.T) {
	t.Parallel()
	values := map[string]string{"PROJECT_ID": "p", "_REGION": "r"}
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "${_REGION}-docker.pkg.dev/$PROJECT_ID/x", want: "r-docker.pkg.dev/p/x"},
		{in: `[[ -z "$$COMMIT" ]]`, want: `[[ -z "$COMMIT" ]]`},
		{in: "$PROJECT_ID.iam", want: "p.iam"},
		{in: "$COMMIT", wantErr: true},
		{in: "${_REGOIN}", wantErr: true},
		{in: "echo $(date)", wantErr: true},
	}
	for _, tt := range tests {
		got, err := substitute(tt.in, values, map[string]bool{})
		if (err != nil) != tt.wantErr {
			t.Errorf("substitute(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got != tt.want {
			t.Errorf("substitute(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGcloudDict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    map[string]string
		wantErr bool
	}{
		{in: "A=1,B=2", want: map[string]string{"A": "1", "B": "2"}},
		{in: "^|^A=1,2|B=", want: map[string]string{"A": "1,2", "B": ""}},
		{in: "A=1,oops", wantErr: true},
		{in: "A=1,A=2", wantErr: true},
	}
	for _, tt := range tests {
		got, err := gcloudDict(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("gcloudDict(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
			t.Errorf("gcloudDict(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
