package deploy

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// finalStage returns the Dockerfile's instructions from its last FROM on,
// continuations joined and comments dropped, and whether the file runs
// dockerBuild: enough to read the image's intent, not a Dockerfile parser.
func finalStage(t *testing.T) (final []string, runsDockerBuild bool) {
	t.Helper()
	text := readRepoFile(t, "Dockerfile")
	joined := strings.Join(strings.Fields(strings.ReplaceAll(text, "\\\n", " ")), " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "FROM ") {
			final = nil
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			final = append(final, line)
		}
	}
	return final, strings.Contains(joined, dockerBuild)
}

// TestImageRunsTheStaticBinaryAsNonroot: the image that runs holds no
// toolchain and no shell, and runs as a user that is not root; it is built
// by the command TestDockerBuildCommandMakesAStaticBinaryThatServes runs.
func TestImageRunsTheStaticBinaryAsNonroot(t *testing.T) {
	t.Parallel()
	final, runsDockerBuild := finalStage(t)
	if !runsDockerBuild {
		t.Errorf("the Dockerfile does not build with %s, the command the tests build and run", dockerBuild)
	}
	if len(final) == 0 || !strings.HasPrefix(final[0], "FROM gcr.io/distroless/static") {
		t.Fatalf("the final stage starts %q, want a distroless static image (no libc, no shell)", final)
	}
	user := ""
	for _, line := range final {
		if u, ok := strings.CutPrefix(line, "USER "); ok {
			user = u
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the final stage runs as %q, want a user that is not root", user)
	}
}

// TestDockerContextHoldsWhatTheBuildNeeds: .dockerignore lets in only what
// it names (it starts by leaving everything out), and go build needs
// nothing it leaves out: no .git, local database, credentials or tests
// reach the build.
func TestDockerContextHoldsWhatTheBuildNeeds(t *testing.T) {
	t.Parallel()
	var rules []string
	for _, line := range strings.Split(readRepoFile(t, ".dockerignore"), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	if len(rules) == 0 || rules[0] != "*" {
		t.Fatalf(".dockerignore starts %q, want * (an allow list)", rules)
	}
	allowed := map[string]bool{}
	for _, r := range rules {
		if name, ok := strings.CutPrefix(r, "!"); ok {
			allowed[name] = true
		}
	}
	for _, leftOut := range []string{"**/*_test.go", "**/testdata"} {
		if !slices.Contains(rules, leftOut) {
			t.Errorf(".dockerignore lets in %s", leftOut)
		}
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if !allowed[f] {
			t.Errorf(".dockerignore leaves out %s, which go build needs", f)
		}
	}

	root := repoRoot(t)
	cmd := exec.Command("go", "list", "-deps", "-json=Dir,Module,EmbedFiles", "./cmd/rollcall")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	ours := 0
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p struct {
			Dir        string
			Module     *struct{ Path string }
			EmbedFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Module == nil || p.Module.Path != "github.com/rollcall/rollcall" {
			continue
		}
		ours++
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if top := strings.Split(filepath.ToSlash(rel), "/")[0]; !allowed[top] {
			t.Errorf("go build ./cmd/rollcall needs %s, which .dockerignore leaves out", rel)
		}
		for _, f := range p.EmbedFiles {
			if strings.Contains(f, "testdata") || strings.HasSuffix(f, "_test.go") {
				t.Errorf("%s embeds %s, which .dockerignore leaves out", rel, f)
			}
		}
	}
	if ours < 5 {
		t.Fatalf("go list found %d of rollcall's packages: too few to be rollcall", ours)
	}
}
