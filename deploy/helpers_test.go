package deploy

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// repoRoot returns the repository's root directory (the tests run in deploy/).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

// readRepoFile returns the content of a file given relative to the root.
func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return string(data)
}

// deployScripts lists deploy/*.sh relative to the root.
func deployScripts(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy", "*.sh"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no deploy/*.sh found (err %v)", err)
	}
	var rel []string
	for _, m := range matches {
		rel = append(rel, filepath.Join("deploy", filepath.Base(m)))
	}
	sort.Strings(rel)
	return rel
}

// operatorFiles lists every file this package keeps honest, relative to the
// root: what an operator reads or runs.
func operatorFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"Dockerfile", ".dockerignore", "cloudbuild.yaml", "docs/deploy.md", "docs/operations.md",
		"deploy/testdata/gcloud", "deploy/monitoring/dashboard.json"}
	files = append(files, monitoringFiles(t, "metrics", "yaml")...)
	files = append(files, monitoringFiles(t, "policies", "json")...)
	return append(files, deployScripts(t)...)
}

// configVariables reads internal/config/config.go and returns the names of
// the environment variables it loads, and among them those loaded as secrets
// (wrapped in Secret(...)). It reads the source rather than a list kept here,
// so that a variable renamed in config fails these tests.
func configVariables(t *testing.T) (all, secret map[string]bool) {
	t.Helper()
	path := filepath.Join(repoRoot(t), "internal", "config", "config.go")
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	envName := regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	// firstLiteral returns the call's first argument if it is a string literal
	// naming a variable: l.str("ROLLCALL_SOURCE", ...) and its siblings.
	firstLiteral := func(call *ast.CallExpr) (string, bool) {
		if len(call.Args) == 0 {
			return "", false
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !envName.MatchString(s) {
			return "", false
		}
		return s, true
	}
	all, secret = map[string]bool{}, map[string]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if _, isMethod := call.Fun.(*ast.SelectorExpr); isMethod {
			if name, ok := firstLiteral(call); ok {
				all[name] = true
			}
		}
		if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "Secret" && len(call.Args) == 1 {
			if inner, ok := call.Args[0].(*ast.CallExpr); ok {
				if name, ok := firstLiteral(inner); ok {
					secret[name] = true
				}
			}
		}
		// l.headerSecret("X") reads X as a Secret that must fit in a header.
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "headerSecret" {
			if name, ok := firstLiteral(call); ok {
				secret[name] = true
			}
		}
		return true
	})
	for _, must := range []string{"PORT", "ROLLCALL_SOURCE", "ROLLCALL_STORE", "ROLLCALL_SYNC_AUDIENCE"} {
		if !all[must] {
			t.Fatalf("reading %s found no %s: the way config loads variables changed; update configVariables", path, must)
		}
	}
	for _, must := range []string{"ROLLCALL_KAKAO_REST_API_KEY", "ROLLCALL_SKILL_SECRET"} {
		if !secret[must] {
			t.Fatalf("reading %s found no Secret(...) or headerSecret(...) for %s: update configVariables", path, must)
		}
	}
	return all, secret
}

// secretishName matches variable names that suggest a secret value.
var secretishName = regexp.MustCompile(`(?i)KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL`)

// gcloudFlags returns the --name=value flags in args (a bare --name maps to
// ""); positional arguments are skipped.
func gcloudFlags(args []string) map[string]string {
	flags := map[string]string{}
	for _, a := range args {
		if !strings.HasPrefix(a, "--") {
			continue
		}
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		flags[name] = value
	}
	return flags
}

// gcloudPositionals returns the arguments that are not flags.
func gcloudPositionals(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

// gcloudDict parses a gcloud dictionary flag value, KEY=VALUE,KEY=VALUE, with
// gcloud's ^DELIM^ prefix for another separator (gcloud topic escaping).
func gcloudDict(v string) (map[string]string, error) {
	delim := ","
	if strings.HasPrefix(v, "^") {
		if end := strings.Index(v[1:], "^"); end > 0 {
			delim, v = v[1:1+end], v[2+end:]
		}
	}
	out := map[string]string{}
	for _, item := range strings.Split(v, delim) {
		key, value, ok := strings.Cut(item, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("item %q is not KEY=VALUE", item)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("key %s given twice", key)
		}
		out[key] = value
	}
	return out, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
