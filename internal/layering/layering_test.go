// Package layering_test holds the import rules that docs/architecture.md
// states, checked against what `go list` says each package imports. The
// package table in docs/architecture.md is the source of every package's
// layer: a package missing from it, or a row for a package that does not
// exist, fails the test too, so the document stays true to the code.
package layering_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/rollcall/rollcall/"

// The layers of docs/architecture.md's package table.
const (
	domain   = "domain"    // the business nouns
	useCase  = "use-case"  // what rollcall does, behind interfaces it declares
	diagnose = "diagnosis" // the doctor: reads the configuration and the use cases' types
	adapter  = "adapter"   // one technology each: a source, a store, Kakao, Prometheus
	http     = "http"      // the HTTP side: the server and the endpoints
	neutral  = "neutral"   // small pure helpers any layer may use
	config   = "config"    // the environment, read once
	wiring   = "wiring"    // cmd/rollcall: builds everything
	testOnly = "test"      // fakes and contract suites, for tests and bench
	bench    = "bench"     // make bench's harness
)

// rule is one import rule: a package of layer from may not import to (a
// layer of this module) or an external path that bad matches.
type rule struct {
	name string
	from []string
	// to are the module's layers the package may NOT import.
	to []string
	// external, when set, says whether the package may import a path
	// outside the module (the standard library is always allowed).
	external func(path string) bool
}

// stdlib reports whether path is in the standard library: its first
// element has no dot.
func stdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

var rules = []rule{
	{
		name: "the domain imports only the standard library, the phone library and x/text",
		from: []string{domain},
		to:   []string{useCase, diagnose, adapter, http, neutral, config, wiring, testOnly, bench},
		external: func(p string) bool {
			return strings.HasPrefix(p, "github.com/nyaruka/phonenumbers") || strings.HasPrefix(p, "golang.org/x/text/")
		},
	},
	{
		name:     "a use case imports only the domain and neutral packages (and golang.org/x)",
		from:     []string{useCase},
		to:       []string{useCase, diagnose, adapter, http, config, wiring, testOnly, bench},
		external: func(p string) bool { return strings.HasPrefix(p, "golang.org/x/") },
	},
	{
		name:     "the doctor reads the configuration and the use cases, and an adapter only through its interfaces",
		from:     []string{diagnose},
		to:       []string{adapter, http, wiring, testOnly, bench},
		external: func(p string) bool { return strings.HasPrefix(p, "golang.org/x/") },
	},
	{
		name: "adapters never import each other, nor the HTTP side",
		from: []string{adapter, http},
		to:   []string{adapter, http, config, wiring, testOnly, bench},
	},
	{
		name: "config reads the environment only: it imports no adapter",
		from: []string{config},
		to:   []string{diagnose, adapter, http, wiring, testOnly, bench},
	},
	{
		name: "a neutral package imports nothing of rollcall's but other neutral packages",
		from: []string{neutral},
		to:   []string{domain, useCase, diagnose, adapter, http, config, wiring, testOnly, bench},
	},
	{
		name: "production code never imports a test helper",
		from: []string{domain, useCase, diagnose, adapter, http, neutral, config, wiring},
		to:   []string{testOnly},
	},
}

// gin lives on the HTTP side only.
func ginAllowed(layer string) bool { return layer == http }

type pkg struct {
	ImportPath string
	Imports    []string
}

func TestLayering(t *testing.T) {
	layers := readLayers(t, filepath.Join("..", "..", "docs", "architecture.md"))
	pkgs := listPackages(t)
	watchSources(t, filepath.Join("..", ".."))
	for _, problem := range check(pkgs, layers) {
		t.Error(problem)
	}
}

// check returns every broken rule, each naming the rule and the import.
func check(pkgs []pkg, layers map[string]string) []string {
	var problems []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		name := strings.TrimPrefix(p.ImportPath, module)
		seen[name] = true
		from, ok := layers[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s is in no layer: add it to the package table of docs/architecture.md", name))
			continue
		}
		for _, imp := range p.Imports {
			if imp == "github.com/gin-gonic/gin" && !ginAllowed(from) && from != wiring {
				problems = append(problems, fmt.Sprintf("rule %q broken: %s (%s) imports %s", "gin lives on the HTTP side only", name, from, imp))
			}
			inModule := strings.HasPrefix(imp, module)
			to := layers[strings.TrimPrefix(imp, module)]
			for _, r := range rules {
				if !slices.Contains(r.from, from) {
					continue
				}
				broken := inModule && slices.Contains(r.to, to) && !(from == to && (from == domain || from == neutral))
				if !inModule && r.external != nil && !stdlib(imp) && !r.external(imp) {
					broken = true
				}
				if broken {
					problems = append(problems, fmt.Sprintf("rule %q broken: %s (%s) imports %s (%s)",
						r.name, name, from, strings.TrimPrefix(imp, module), cmpOr(to, "external")))
				}
			}
		}
	}
	for name := range layers {
		if !seen[name] {
			problems = append(problems, fmt.Sprintf("docs/architecture.md names %s, which is not a package", name))
		}
	}
	slices.Sort(problems)
	return problems
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// tableRow is a row of the package table: | `path` | layer | what it owns |
var tableRow = regexp.MustCompile("^\\| `([^`]+)` +\\| ([a-z-]+) +\\|")

// readLayers reads the package table of docs/architecture.md.
func readLayers(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	layers := map[string]string{}
	known := []string{domain, useCase, diagnose, adapter, http, neutral, config, wiring, testOnly, bench}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := tableRow.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if !slices.Contains(known, m[2]) {
			t.Errorf("%s: %s's layer %q is none of %q", path, m[1], m[2], known)
		}
		layers[strings.TrimSuffix(m[1], "/")] = m[2]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(layers) == 0 {
		t.Fatalf("%s has no package table", path)
	}
	return layers
}

// listPackages runs go list on the module: its packages and their
// production imports (a test may import anything).
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", module+"...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// watchSources looks at every directory and Go file of the module, so
// that go test's cache, which knows only the files a test opens (not what
// go list read), runs this test again when one changes.
func watchSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata"):
			return filepath.SkipDir
		case !d.IsDir() && strings.HasSuffix(path, ".go"):
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCheckNamesTheRuleAndTheImport: a broken rule is reported with the
// rule and the import, and a package outside the table is reported.
func TestCheckNamesTheRuleAndTheImport(t *testing.T) {
	t.Parallel()
	layers := map[string]string{
		"internal/roster": domain, "internal/sheets": adapter, "internal/bolt": adapter,
		"internal/config": config, "internal/origin": neutral, "internal/verify": useCase,
	}
	pkgs := []pkg{
		{module + "internal/roster", []string{"strings", "github.com/nyaruka/phonenumbers"}},
		{module + "internal/verify", []string{module + "internal/roster", module + "internal/origin"}},
		{module + "internal/sheets", []string{module + "internal/bolt", module + "internal/roster"}},
		{module + "internal/config", []string{module + "internal/sheets", module + "internal/origin"}},
		{module + "internal/bolt", []string{"go.etcd.io/bbolt", "github.com/gin-gonic/gin"}},
		{module + "internal/origin", nil},
		{module + "internal/new", nil},
	}
	want := []string{
		"internal/new is in no layer: add it to the package table of docs/architecture.md",
		`rule "adapters never import each other, nor the HTTP side" broken: internal/sheets (adapter) imports internal/bolt (adapter)`,
		`rule "config reads the environment only: it imports no adapter" broken: internal/config (config) imports internal/sheets (adapter)`,
		`rule "gin lives on the HTTP side only" broken: internal/bolt (adapter) imports github.com/gin-gonic/gin`,
	}
	if got := check(pkgs, layers); !slices.Equal(got, want) {
		t.Errorf("check =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
