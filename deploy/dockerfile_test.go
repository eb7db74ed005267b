package deploy

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dockerfileLines returns the Dockerfile's instructions, one a line with
// continuations joined and comments dropped — enough to read our own file's
// intent, not a Dockerfile parser.
func dockerfileLines(t *testing.T) []string {
	t.Helper()
	text := strings.ReplaceAll(readRepoFile(t, "Dockerfile"), "\\\n", " ")
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestDockerfileIntent: a multi-stage build whose final image is distroless
// static, runs as nonroot and holds the static binary and nothing else.
func TestDockerfileIntent(t *testing.T) {
	t.Parallel()
	if !strings.HasPrefix(readRepoFile(t, "Dockerfile"), "# syntax=docker/dockerfile:1\n") {
		t.Error("the Dockerfile does not start with # syntax=docker/dockerfile:1 (RUN --mount needs it)")
	}
	lines := dockerfileLines(t)
	var froms []int
	for i, line := range lines {
		if strings.HasPrefix(line, "FROM ") {
			froms = append(froms, i)
		}
	}
	if len(froms) != 2 || lines[froms[0]] != "FROM golang:1.26 AS build" {
		t.Fatalf("stages %v: want FROM golang:1.26 AS build, then the final stage", froms)
	}
	build := strings.Join(lines[froms[0]:froms[1]], "\n")
	for _, want := range []string{"--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build", dockerBuild} {
		if !strings.Contains(build, want) {
			t.Errorf("the build stage does not run %s", want)
		}
	}
	final := lines[froms[1]:]
	want := []string{
		"FROM gcr.io/distroless/static-debian12:nonroot",
		"COPY --from=build /out/rollcall /rollcall",
		"WORKDIR /home/nonroot",
		"USER nonroot:nonroot",
		`ENTRYPOINT ["/rollcall"]`,
		`CMD ["serve"]`,
	}
	if diff := cmp.Diff(want, final); diff != "" {
		t.Errorf("the final stage: the binary only, as nonroot (-want +got):\n%s", diff)
	}
}

// TestDockerignoreIsAnAllowList: the build context holds what go build
// needs — go.mod, go.sum, cmd/ and internal/ without tests — and nothing
// else: no .git, no local database, no credentials, no examples.
func TestDockerignoreIsAnAllowList(t *testing.T) {
	t.Parallel()
	var rules []string
	for _, line := range strings.Split(readRepoFile(t, ".dockerignore"), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	want := []string{"*", "!go.mod", "!go.sum", "!cmd", "!internal", "**/*_test.go", "**/testdata"}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Errorf(".dockerignore (-want +got):\n%s", diff)
	}

	// And go build needs nothing outside that list.
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
		top := strings.Split(filepath.ToSlash(rel), "/")[0]
		if !slices.Contains([]string{"cmd", "internal"}, top) {
			t.Errorf("go build ./cmd/rollcall needs %s, outside cmd/ and internal/", rel)
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
