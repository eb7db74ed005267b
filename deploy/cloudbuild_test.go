package deploy

import (
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

// loadCloudBuild parses cloudbuild.yaml strictly.
func loadCloudBuild(t *testing.T) cloudBuild {
	t.Helper()
	var cb cloudBuild
	if err := yaml.UnmarshalWithOptions([]byte(readRepoFile(t, "cloudbuild.yaml")), &cb, yaml.Strict()); err != nil {
		t.Fatalf("cloudbuild.yaml does not parse as a Cloud Build config:\n%v", err)
	}
	return cb
}

// renderCloudBuild returns cloudbuild.yaml with the values a build by hand
// would have: the test project and commit, the file's defaults, then
// overrides (as --substitutions). It replaces the names the file uses; it
// does not model Cloud Build's substitution rules.
func renderCloudBuild(t *testing.T, overrides map[string]string) cloudBuild {
	t.Helper()
	cb := loadCloudBuild(t)
	values := map[string]string{}
	for k, v := range cb.Substitutions {
		values[k] = v
	}
	for k, v := range overrides {
		values[k] = v
	}
	pairs := []string{"$$", "$", "$PROJECT_ID", testProject, "$PROJECT_NUMBER", testProjectNumber, "$COMMIT_SHA", testCommit}
	for k, v := range values {
		pairs = append(pairs, "${"+k+"}", v)
	}
	r := strings.NewReplacer(pairs...)
	cb.ServiceAccount = r.Replace(cb.ServiceAccount)
	for i := range cb.Images {
		cb.Images[i] = r.Replace(cb.Images[i])
	}
	for i := range cb.Steps {
		s := &cb.Steps[i]
		s.Name, s.Entrypoint = r.Replace(s.Name), r.Replace(s.Entrypoint)
		for j := range s.Args {
			s.Args[j] = r.Replace(s.Args[j])
		}
		for j := range s.Env {
			s.Env[j] = r.Replace(s.Env[j])
		}
	}
	return cb
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

func TestCloudBuildDefaultsAndLogging(t *testing.T) {
	t.Parallel()
	cb := loadCloudBuild(t)
	for _, name := range sortedKeys(cb.Substitutions) {
		if secretishName.MatchString(name) {
			t.Errorf("substitution %s looks like a secret: secrets come from Secret Manager, not substitutions", name)
		}
	}
	for name, want := range map[string]string{"_REGION": "asia-northeast3", "_SERVICE": "rollcall", "_SHEET_URL": ""} {
		if got, ok := cb.Substitutions[name]; !ok || got != want {
			t.Errorf("substitution %s defaults to %q, want %q", name, got, want)
		}
	}
	if cb.Options.Logging != "CLOUD_LOGGING_ONLY" {
		t.Errorf("options.logging = %q; a build with its own service account needs CLOUD_LOGGING_ONLY", cb.Options.Logging)
	}
}

func TestCloudBuildStepsTestBuildPushDeployInOrder(t *testing.T) {
	t.Parallel()
	cb := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
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
	cb := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
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
	for _, name := range []string{"VERIFIED", "NOT_EMPLOYEE", "NO_PROFILE", "UNDECIDED", "GATE_VERIFIED", "NOT_VERIFIED", "UNBOUND", "VERIFY_BUTTON"} {
		wantEnv["ROLLCALL_TEXT_"+name] = "" // empty: rollcall's default wording
	}
	if diff := cmp.Diff(wantEnv, env); diff != "" {
		t.Errorf("--set-env-vars (-want +got):\n%s", diff)
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
