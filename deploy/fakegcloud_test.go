package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// gcloudCall is one recorded call of the fake gcloud.
type gcloudCall struct {
	Args []string
}

func (c gcloudCall) String() string { return "gcloud " + strings.Join(c.Args, " ") }

// words returns the call's positional arguments joined by spaces.
func (c gcloudCall) words() string { return strings.Join(gcloudPositionals(c.Args), " ") }

// hasVerb reports whether verb is one of the call's positionals.
func (c gcloudCall) hasVerb(verb string) bool {
	return slices.Contains(gcloudPositionals(c.Args), verb)
}

// fakeGcloud is a directory holding the fake gcloud and its state.
type fakeGcloud struct {
	bin, state, log string
}

// newFakeGcloud installs deploy/testdata/gcloud in a fresh directory. The
// Cloud Run service exists (Cloud Build deployed it); nothing else does.
func newFakeGcloud(t *testing.T) fakeGcloud {
	t.Helper()
	dir := t.TempDir()
	f := fakeGcloud{bin: filepath.Join(dir, "bin"), state: filepath.Join(dir, "state"), log: filepath.Join(dir, "calls")}
	for _, d := range []string{f.bin, f.state} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "testdata", "gcloud"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.bin, "gcloud"), src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.state, "run_services_rollcall"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// run runs a deploy script against the fake and returns the calls it made
// and what it printed; the script must succeed.
func (f fakeGcloud) run(t *testing.T, script string, env ...string) ([]gcloudCall, string) {
	t.Helper()
	out, err := f.runErr(t, script, env...)
	if err != nil {
		t.Fatalf("%s against the fake gcloud: %v\n%s", script, err, out)
	}
	return f.calls(t), out
}

// runErr runs a deploy script against the fake and returns what it printed
// and how it ended; f.calls has the calls it made.
func (f fakeGcloud) runErr(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	if err := os.WriteFile(f.log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Dir = repoRoot(t)
	cmd.Env = append([]string{
		"PATH=" + f.bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"FAKE_GCLOUD_LOG=" + f.log,
		"FAKE_GCLOUD_STATE=" + f.state,
		"FAKE_GCLOUD_PROJECT_NUMBER=" + testProjectNumber,
		"PROJECT_ID=" + testProject,
	}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// calls reads the fake's log: per call, the argument count, then the arguments.
func (f fakeGcloud) calls(t *testing.T) []gcloudCall {
	t.Helper()
	file, err := os.Open(f.log)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var calls []gcloudCall
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			t.Fatalf("fake gcloud log: %q is not an argument count", sc.Text())
		}
		c := gcloudCall{}
		for i := 0; i < n && sc.Scan(); i++ {
			c.Args = append(c.Args, sc.Text())
		}
		calls = append(calls, c)
	}
	return calls
}

// secretValue returns what a script piped into `gcloud secrets versions add`.
func (f fakeGcloud) secretValue(t *testing.T, secret string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(f.state, "value_"+secret))
	if err != nil {
		t.Fatalf("no version of %s was added: %v", secret, err)
	}
	return string(data)
}

// operatorRun is one pass of the operator's scripts in docs/deploy.md order.
type operatorRun struct {
	setup, scheduler, job []gcloudCall
	output                string
}

func (r operatorRun) all() []gcloudCall {
	return slices.Concat(r.setup, r.scheduler, r.job)
}

// runOperatorScripts runs setup.sh, scheduler.sh and job.sh once.
func runOperatorScripts(t *testing.T, f fakeGcloud) operatorRun {
	t.Helper()
	var r operatorRun
	var out1, out2, out3 string
	r.setup, out1 = f.run(t, "deploy/setup.sh")
	r.scheduler, out2 = f.run(t, "deploy/scheduler.sh")
	r.job, out3 = f.run(t, "deploy/job.sh", "SHEET_URL="+testSheetURL)
	r.output = out1 + out2 + out3
	return r
}
