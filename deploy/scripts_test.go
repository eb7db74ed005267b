package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestScriptsPassShellcheck runs shellcheck on every script: the operator's,
// the fake gcloud, and the test, lint and emulator scripts with .ci/run.
// scripts/test.sh installs shellcheck and sets
// ROLLCALL_TEST_REQUIRE_TOOLS=1, so that this test cannot be skipped there.
func TestScriptsPassShellcheck(t *testing.T) {
	t.Parallel()
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("ROLLCALL_TEST_REQUIRE_TOOLS") == "1" {
			t.Fatal("shellcheck is not installed (apt-get install shellcheck) and ROLLCALL_TEST_REQUIRE_TOOLS=1 forbids skipping")
		}
		t.Skip("shellcheck is not installed: apt-get install shellcheck (scripts/test.sh does)")
	}
	root := repoRoot(t)
	ours, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	if err != nil || len(ours) == 0 {
		t.Fatalf("no scripts/*.sh found (err %v)", err)
	}
	scripts := append(deployScripts(t), "deploy/testdata/gcloud", ".ci/run")
	for _, s := range ours {
		scripts = append(scripts, filepath.Join("scripts", filepath.Base(s)))
	}
	for _, script := range scripts {
		t.Run(script, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(shellcheck, "--external-sources", "--severity=style", script)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("shellcheck %s: %v\n%s", script, err, out)
			}
		})
	}
}

// TestScriptsAreStrictAndCheckBeforeCreating reads the scripts: each runs
// with set -euo pipefail, and each `gcloud ... create` follows a describe or
// list of the same kind of resource a few lines above.
func TestScriptsAreStrictAndCheckBeforeCreating(t *testing.T) {
	t.Parallel()
	creates := 0
	for _, script := range deployScripts(t) {
		text := readRepoFile(t, script)
		if script != "deploy/common.sh" && !strings.Contains(text, "\nset -euo pipefail\n") {
			t.Errorf("%s does not set -euo pipefail", script)
		}
		lines := strings.Split(text, "\n")
		for i, line := range lines {
			kind, ok := gcloudCreateKind(line)
			if !ok {
				continue
			}
			creates++
			guarded := false
			for j := max(0, i-6); j < i; j++ {
				if regexp.MustCompile(`gcloud ` + regexp.QuoteMeta(kind) + ` (describe|list)\b`).MatchString(lines[j]) {
					guarded = true
				}
			}
			if !guarded {
				t.Errorf("%s:%d: gcloud %s create is not preceded by a gcloud %s describe (or list) check", script, i+1, kind, kind)
			}
		}
	}
	if creates < 5 {
		t.Errorf("found %d gcloud ... create lines; the scripts create at least 5 kinds of resource: is the check reading them?", creates)
	}
}

// gcloudCreateKind returns "iam service-accounts" for a line running
// `gcloud iam service-accounts create ...`.
func gcloudCreateKind(line string) (string, bool) {
	m := regexp.MustCompile(`gcloud ((?:[a-z-]+ )+?)create\b`).FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(m[1]), true
}

func TestGcloudCreateKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line, want string
		ok         bool
	}{
		{`	gcloud iam service-accounts create "$1" --display-name="$2"`, "iam service-accounts", true},
		{`	gcloud scheduler jobs create http "$job" "${job_flags[@]}"`, "scheduler jobs", true},
		{`gcloud secrets describe "$1"`, "", false},
	}
	for _, tt := range tests {
		got, ok := gcloudCreateKind(tt.line)
		if got != tt.want || ok != tt.ok {
			t.Errorf("gcloudCreateKind(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// grants returns each add-iam-policy-binding as "resource | member | role".
func grants(calls []gcloudCall) []string {
	var out []string
	for _, c := range calls {
		if !c.hasVerb("add-iam-policy-binding") {
			continue
		}
		flags := gcloudFlags(c.Args)
		out = append(out, fmt.Sprintf("%s | %s | %s", c.words(), flags["member"], flags["role"]))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestScriptsCreateOnceWithLeastPrivilegeAndNoSecretInArgv(t *testing.T) {
	t.Parallel()
	f := newFakeGcloud(t)
	first := runOperatorScripts(t, f)

	for _, c := range first.all() {
		if gcloudFlags(c.Args)["project"] != testProject && c.words() != "projects describe "+testProject &&
			c.words() != "projects add-iam-policy-binding "+testProject {
			t.Errorf("%s does not name --project=%s: it would act on whatever project gcloud is set to", c, testProject)
		}
	}

	var created []string
	for _, c := range first.all() {
		if c.hasVerb("create") {
			created = append(created, c.words())
		}
	}
	sort.Strings(created)
	wantCreated := []string{
		"artifacts repositories create rollcall",
		"firestore databases create",
		"iam service-accounts create rollcall-deployer",
		"iam service-accounts create rollcall-runtime",
		"iam service-accounts create rollcall-scheduler",
		"scheduler jobs create http rollcall-sync",
		"secrets create kakao-rest-api-key",
		"secrets create skill-secret",
		"storage buckets create gs://" + testProject + "_cloudbuild",
	}
	if diff := cmp.Diff(wantCreated, created); diff != "" {
		t.Errorf("first run created (-want +got):\n%s", diff)
	}
	for _, c := range first.all() {
		flags := gcloudFlags(c.Args)
		switch c.words() {
		case "firestore databases create":
			if flags["location"] != "asia-northeast3" || flags["type"] != "firestore-native" || flags["database"] != "(default)" {
				t.Errorf("%s: want the (default) database, firestore-native, in asia-northeast3", c)
			}
		case "artifacts repositories create rollcall":
			if flags["location"] != "asia-northeast3" || flags["repository-format"] != "docker" {
				t.Errorf("%s: want a docker repository in asia-northeast3", c)
			}
		case "secrets create kakao-rest-api-key", "secrets create skill-secret":
			if _, ok := flags["data-file"]; ok {
				t.Errorf("%s: a secret is created empty; its value goes in by stdin", c)
			}
		}
	}

	// Least privilege: every grant the scripts make, and nothing more.
	runtime := "serviceAccount:rollcall-runtime@" + testProject + ".iam.gserviceaccount.com"
	scheduler := "serviceAccount:rollcall-scheduler@" + testProject + ".iam.gserviceaccount.com"
	deployer := "serviceAccount:rollcall-deployer@" + testProject + ".iam.gserviceaccount.com"
	wantGrants := []string{
		"artifacts repositories add-iam-policy-binding rollcall | " + deployer + " | roles/artifactregistry.writer",
		"iam service-accounts add-iam-policy-binding rollcall-runtime@" + testProject + ".iam.gserviceaccount.com | " + deployer + " | roles/iam.serviceAccountUser",
		"projects add-iam-policy-binding " + testProject + " | " + deployer + " | roles/logging.logWriter",
		"projects add-iam-policy-binding " + testProject + " | " + deployer + " | roles/run.admin",
		"projects add-iam-policy-binding " + testProject + " | " + runtime + " | roles/datastore.user",
		"run services add-iam-policy-binding rollcall | " + scheduler + " | roles/run.invoker",
		"secrets add-iam-policy-binding kakao-rest-api-key | " + runtime + " | roles/secretmanager.secretAccessor",
		"secrets add-iam-policy-binding skill-secret | " + runtime + " | roles/secretmanager.secretAccessor",
		"storage buckets add-iam-policy-binding gs://" + testProject + "_cloudbuild | " + deployer + " | roles/storage.objectViewer",
	}
	if diff := cmp.Diff(wantGrants, grants(first.all())); diff != "" {
		t.Errorf("IAM grants (-want +got):\n%s", diff)
	}

	// The skill secret is generated once and reaches gcloud by stdin only; the
	// Kakao key is the operator's to add.
	value := f.secretValue(t, "skill-secret")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(value) {
		t.Errorf("generated skill secret is %d characters, want 64 hex digits", len(value))
	}
	for _, c := range first.all() {
		if strings.Contains(strings.Join(c.Args, " "), value) {
			t.Errorf("the skill secret appears in the arguments of %s", c.Args[:2])
		}
	}
	if strings.Contains(first.output, value) {
		t.Error("a script printed the skill secret")
	}
	if _, err := os.Stat(filepath.Join(f.state, "value_kakao-rest-api-key")); err == nil {
		t.Error("setup.sh added a version to kakao-rest-api-key: only the operator has that key")
	}
	if !strings.Contains(first.output, "gcloud secrets versions add kakao-rest-api-key --data-file=-") {
		t.Errorf("setup.sh does not tell the operator how to add the Kakao key by stdin; it printed:\n%s", first.output)
	}

	// The second run finds everything and changes nothing but idempotent grants.
	second := runOperatorScripts(t, f)
	for _, c := range second.all() {
		if c.hasVerb("create") || strings.HasPrefix(c.words(), "secrets versions add") {
			t.Errorf("second run: %s", c)
		}
	}
	if got := f.secretValue(t, "skill-secret"); got != value {
		t.Error("second run replaced the skill secret: Open Builder's copy would stop working")
	}
	if diff := cmp.Diff(grants(first.all()), grants(second.all())); diff != "" {
		t.Errorf("second run's grants differ (-first +second):\n%s", diff)
	}
	createJob := findCall(t, first.scheduler, "scheduler jobs create http rollcall-sync")
	updateJob := findCall(t, second.scheduler, "scheduler jobs update http rollcall-sync")
	if diff := cmp.Diff(gcloudFlags(createJob.Args), gcloudFlags(updateJob.Args)); diff != "" {
		t.Errorf("scheduler update differs from create (-create +update):\n%s", diff)
	}
}

// findCall returns the call whose positionals are words.
func findCall(t *testing.T, calls []gcloudCall, words string) gcloudCall {
	t.Helper()
	for _, c := range calls {
		if c.words() == words {
			return c
		}
	}
	t.Fatalf("no call gcloud %s among:\n%v", words, calls)
	return gcloudCall{}
}

// TestScriptsAgreeWithCloudBuild checks that what the scripts make is what
// the build uses: accounts, secrets, repository, region, and the scheduler's
// OIDC identity and audience against ROLLCALL_SYNC_INVOKERS and
// ROLLCALL_SYNC_AUDIENCE.
func TestScriptsAgreeWithCloudBuild(t *testing.T) {
	t.Parallel()
	run := runOperatorScripts(t, newFakeGcloud(t))
	cb := renderCloudBuild(t, map[string]string{"_SHEET_URL": testSheetURL})
	deploy, flags := deployStep(t, cb)
	env, err := gcloudDict(flags["set-env-vars"])
	if err != nil {
		t.Fatalf("--set-env-vars: %v", err)
	}

	job := findCall(t, run.scheduler, "scheduler jobs create http rollcall-sync")
	jobFlags := gcloudFlags(job.Args)
	wantJob := map[string]string{
		"location":                   flags["region"],
		"uri":                        env["ROLLCALL_SYNC_AUDIENCE"],
		"oidc-token-audience":        env["ROLLCALL_SYNC_AUDIENCE"],
		"oidc-service-account-email": env["ROLLCALL_SYNC_INVOKERS"],
		"http-method":                "post",
		"schedule":                   "*/1 * * * *",
		"time-zone":                  "Asia/Seoul",
		"attempt-deadline":           jobFlags["attempt-deadline"],
		"description":                jobFlags["description"],
		"project":                    testProject,
	}
	if diff := cmp.Diff(wantJob, jobFlags); diff != "" {
		t.Errorf("scheduler job flags (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(jobFlags["uri"], "/internal/sync") || !strings.HasPrefix(jobFlags["uri"], "https://") {
		t.Errorf("scheduler job posts to %s, want https://.../internal/sync", jobFlags["uri"])
	}
	if !strings.HasPrefix(jobFlags["uri"], "https://"+gcloudPositionals(deploy.Args)[2]+"-") {
		t.Errorf("scheduler job posts to %s, not to the deployed service %s", jobFlags["uri"], gcloudPositionals(deploy.Args)[2])
	}

	sa := func(name string) string { return name + "@" + testProject + ".iam.gserviceaccount.com" }
	created := map[string]bool{}
	for _, c := range run.setup {
		if c.hasVerb("create") {
			created[c.words()] = true
		}
	}
	if !created["iam service-accounts create rollcall-runtime"] || flags["service-account"] != sa("rollcall-runtime") {
		t.Errorf("the service runs as %s; setup.sh creates rollcall-runtime: %v", flags["service-account"], created)
	}
	if want := "projects/" + testProject + "/serviceAccounts/" + sa("rollcall-deployer"); cb.ServiceAccount != want || !created["iam service-accounts create rollcall-deployer"] {
		t.Errorf("the build runs as %s, want %s made by setup.sh", cb.ServiceAccount, want)
	}
	if !created["iam service-accounts create rollcall-scheduler"] || env["ROLLCALL_SYNC_INVOKERS"] != sa("rollcall-scheduler") {
		t.Errorf("ROLLCALL_SYNC_INVOKERS=%s, want the scheduler account setup.sh creates", env["ROLLCALL_SYNC_INVOKERS"])
	}
	secrets, err := gcloudDict(flags["set-secrets"])
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range secrets {
		name, _, _ := strings.Cut(ref, ":")
		if !created["secrets create "+name] {
			t.Errorf("the service reads secret %s, which setup.sh does not create", name)
		}
	}
	repo := findCall(t, run.setup, "artifacts repositories create rollcall")
	wantImage := gcloudFlags(repo.Args)["location"] + "-docker.pkg.dev/" + testProject + "/rollcall/rollcall:"
	if !strings.HasPrefix(flags["image"], wantImage) {
		t.Errorf("the build deploys %s, not from the repository setup.sh creates (%s...)", flags["image"], wantImage)
	}

	// The sync job runs as the runtime account with the service's store.
	jobDeploy := findCall(t, run.job, "run jobs deploy rollcall-sync-job")
	jd := gcloudFlags(jobDeploy.Args)
	jobEnv, err := gcloudDict(jd["set-env-vars"])
	if err != nil {
		t.Fatalf("job.sh --set-env-vars: %v", err)
	}
	if jd["service-account"] != sa("rollcall-runtime") || jd["args"] != "sync" || jd["region"] != flags["region"] {
		t.Errorf("job.sh deploys %v: want rollcall-runtime running `sync` in %s", jd, flags["region"])
	}
	for _, name := range []string{"ROLLCALL_SOURCE", "ROLLCALL_STORE", "ROLLCALL_LOG_FORMAT"} {
		if jobEnv[name] != env[name] {
			t.Errorf("job.sh sets %s=%q, the service %q", name, jobEnv[name], env[name])
		}
	}
}

// TestLintRefusesLargeFilesAndPrograms runs scripts/lint.sh --quick in a
// repository of its own: it passes on text, and fails naming each tracked
// file over 1 MiB and each tracked executable (an ELF here: this test's
// own binary), but not an untracked one.
func TestLintRefusesLargeFilesAndPrograms(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	write := func(rel string, data []byte) {
		t.Helper()
		path := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("scripts/lint.sh", []byte(readRepoFile(t, "scripts/lint.sh")))
	for _, dir := range []string{"cmd", "internal", "bench", "deploy", "examples"} {
		write(dir+"/doc.go", []byte("// Package x is here for gofmt.\npackage x\n"))
	}
	write("README.md", []byte("MZ is how this text starts, which is no program\n"))
	if out, err := run("git", "init", "-q"); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	if out, err := run("git", "add", "."); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	if out, err := run("bash", "scripts/lint.sh", "--quick"); err != nil {
		t.Fatalf("lint on text only: %v\n%s", err, out)
	}

	self, err := os.ReadFile(os.Args[0]) // this test binary: an ELF on Linux
	if err != nil {
		t.Fatal(err)
	}
	write("tool", self)
	write("untracked-tool", self)
	write("data/big.csv", bytes.Repeat([]byte("a,b\n"), 300_000))
	if out, err := run("git", "add", "tool", "data/big.csv"); err != nil {
		t.Fatalf("git add: %v\n%s", err, out)
	}
	out, err := run("bash", "scripts/lint.sh", "--quick")
	if err == nil {
		t.Fatalf("lint passed with a tracked program and a 1.2 MB file:\n%s", out)
	}
	if runtime.GOOS == "linux" && !strings.Contains(out, "tool is tracked and is an executable image (ELF)") {
		t.Errorf("lint does not name the tracked ELF:\n%s", out)
	}
	if !strings.Contains(out, "data/big.csv is tracked and 1200000 bytes, over 1 MiB") {
		t.Errorf("lint does not name the tracked 1.2 MB file:\n%s", out)
	}
	if strings.Contains(out, "untracked-tool") || strings.Contains(out, "README.md") {
		t.Errorf("lint names a file it should not (untracked, or text):\n%s", out)
	}
}

// TestSetupStaticEgress: STATIC_EGRESS=1 gives the service a fixed outbound
// address (Direct VPC egress through Cloud NAT from a reserved IP), once,
// and prints the address to register with Kakao; without it, setup.sh
// touches no network.
func TestSetupStaticEgress(t *testing.T) {
	t.Parallel()
	f := newFakeGcloud(t)
	calls, out := f.run(t, "deploy/setup.sh", "STATIC_EGRESS=1")

	var created []string
	for _, c := range calls {
		if c.hasVerb("create") && strings.HasPrefix(c.words(), "compute ") {
			created = append(created, c.words())
		}
	}
	want := []string{
		"compute networks create rollcall-egress",
		"compute networks subnets create rollcall-egress",
		"compute addresses create rollcall-egress",
		"compute routers create rollcall-egress",
		"compute routers nats create rollcall-egress",
	}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	subnet := gcloudFlags(findCall(t, calls, "compute networks subnets create rollcall-egress").Args)
	if subnet["network"] != "rollcall-egress" || subnet["region"] != "asia-northeast3" || !strings.HasSuffix(subnet["range"], "/26") {
		t.Errorf("subnet flags %v: want the egress network, the service's region and a /26", subnet)
	}
	nat := gcloudFlags(findCall(t, calls, "compute routers nats create rollcall-egress").Args)
	if nat["router"] != "rollcall-egress" || nat["nat-external-ip-pool"] != "rollcall-egress" || nat["nat-custom-subnet-ip-ranges"] != "rollcall-egress" {
		t.Errorf("NAT flags %v: want the subnet's traffic out from the reserved address only", nat)
	}
	update := gcloudFlags(findCall(t, calls, "run services update rollcall").Args)
	if update["network"] != "rollcall-egress" || update["subnet"] != "rollcall-egress" || update["vpc-egress"] != "all-traffic" {
		t.Errorf("service update flags %v: want Direct VPC egress of all traffic", update)
	}
	if !strings.Contains(out, "Fixed outbound address: 203.0.113.7") || !strings.Contains(out, "allowed IP addresses") {
		t.Errorf("setup.sh does not print the address to register with Kakao:\n%s", out)
	}

	again, _ := f.run(t, "deploy/setup.sh", "STATIC_EGRESS=1")
	for _, c := range again {
		if c.hasVerb("create") {
			t.Errorf("second run: %s", c)
		}
	}
	plain, _ := newFakeGcloud(t).run(t, "deploy/setup.sh")
	for _, c := range plain {
		if strings.HasPrefix(c.words(), "compute ") || c.hasVerb("update") {
			t.Errorf("setup.sh without STATIC_EGRESS: %s", c)
		}
	}
}
