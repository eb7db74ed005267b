package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerignoreSendsWhatTheBuildNeedsAndNothingElse matches the build
// context rules against the files go build reads and against files that
// must never reach the builder.
func TestDockerignoreSendsWhatTheBuildNeedsAndNothingElse(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	rules, err := parseDockerignore(readRepoFile(t, ".dockerignore"))
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}

	cmd := exec.Command("go", "list", "-deps", "-json=Dir,Module,GoFiles,EmbedFiles,CgoFiles", "./cmd/rollcall")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	needed := []string{"go.mod", "go.sum"}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			Dir                           string
			Module                        *struct{ Path string }
			GoFiles, EmbedFiles, CgoFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Module == nil || p.Module.Path != "github.com/rollcall/rollcall" {
			continue
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range append(append(p.GoFiles, p.EmbedFiles...), p.CgoFiles...) {
			needed = append(needed, filepath.ToSlash(filepath.Join(rel, f)))
		}
	}
	if len(needed) < 10 {
		t.Fatalf("go list found only %q: too few files to be rollcall", needed)
	}
	for _, f := range needed {
		if rules.excluded(f) {
			t.Errorf(".dockerignore excludes %s, which go build ./cmd/rollcall needs", f)
		}
	}
	for _, f := range []string{
		".git/config", "rollcall.db", "bin/rollcall", "examples/employees.csv", "examples/employees.xlsx",
		"key.json", "credentials/sa.json", ".env", "deploy/setup.sh", "docs/deploy.md",
		"cmd/rollcall/e2e_test.go", "internal/kakao/testdata/golden/skill-employee.json",
	} {
		if !rules.excluded(f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}
}

// dockerignoreRule is one line of a .dockerignore.
type dockerignoreRule struct {
	pattern *regexp.Regexp
	negate  bool
}

// dockerignoreRules is a .dockerignore: the last matching rule decides, and
// a rule matching a directory matches everything in it.
type dockerignoreRules []dockerignoreRule

func parseDockerignore(text string) (dockerignoreRules, error) {
	var rules dockerignoreRules
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		negate := strings.HasPrefix(line, "!")
		glob := strings.Trim(filepath.ToSlash(filepath.Clean(strings.TrimPrefix(line, "!"))), "/")
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(glob); i++ {
			switch {
			case strings.HasPrefix(glob[i:], "**/"):
				re.WriteString("(?:.*/)?")
				i += 2
			case strings.HasPrefix(glob[i:], "**"):
				re.WriteString(".*")
				i++
			case glob[i] == '*':
				re.WriteString("[^/]*")
			case glob[i] == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(glob[i : i+1]))
			}
		}
		re.WriteString("$")
		p, err := regexp.Compile(re.String())
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", line, err)
		}
		rules = append(rules, dockerignoreRule{pattern: p, negate: negate})
	}
	return rules, nil
}

// excluded reports whether path (slash-separated, relative) stays out of the
// build context.
func (rules dockerignoreRules) excluded(path string) bool {
	parts := strings.Split(path, "/")
	excluded := false
	for _, r := range rules {
		for i := len(parts); i >= 1; i-- {
			if r.pattern.MatchString(strings.Join(parts[:i], "/")) {
				excluded = !r.negate
				break
			}
		}
	}
	return excluded
}

func TestParseDockerignore(t *testing.T) {
	t.Parallel()
	rules, err := parseDockerignore("*\n!cmd\n**/*_test.go\n**/testdata\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want bool
	}{
		{"cmd/rollcall/main.go", false},
		{"cmd/rollcall/main_test.go", true},
		{"cmd/x/testdata/a.json", true},
		{"examples/a.csv", true},
		{"go.mod", true},
	}
	for _, tt := range tests {
		if got := rules.excluded(tt.path); got != tt.want {
			t.Errorf("excluded(%s) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
