package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dockerInstruction is one instruction of a Dockerfile, continuation lines
// joined.
type dockerInstruction struct {
	Line int    // where it starts, 1-based
	Cmd  string // upper case: FROM, RUN, COPY, ...
	Args string
}

// dockerStage is a FROM and what follows it.
type dockerStage struct {
	From, Name   string
	Instructions []dockerInstruction
}

// find returns the stage's instructions with the given command.
func (s dockerStage) find(cmd string) []dockerInstruction {
	var out []dockerInstruction
	for _, in := range s.Instructions {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// parseDockerfile splits a Dockerfile into its parser directive (syntax) and
// stages. It knows what this repository's Dockerfile uses: comments,
// backslash continuations, FROM ... AS name.
func parseDockerfile(text string) (syntax string, stages []dockerStage, err error) {
	lines := strings.Split(text, "\n")
	if len(lines) > 0 {
		if v, ok := strings.CutPrefix(strings.TrimSpace(lines[0]), "# syntax="); ok {
			syntax = v
		}
	}
	var current *dockerInstruction
	var all []dockerInstruction
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue // comments are dropped, inside continuations too
		}
		more := strings.HasSuffix(line, `\`)
		line = strings.TrimSpace(strings.TrimSuffix(line, `\`))
		if current == nil {
			cmd, args, _ := strings.Cut(line, " ")
			current = &dockerInstruction{Line: i + 1, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		} else {
			current.Args += " " + line
		}
		if !more {
			all = append(all, *current)
			current = nil
		}
	}
	if current != nil {
		return "", nil, fmt.Errorf("line %d: the file ends inside a continuation", current.Line)
	}
	for _, in := range all {
		if in.Cmd == "FROM" {
			f := strings.Fields(in.Args)
			st := dockerStage{From: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.Name = f[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			if in.Cmd == "ARG" {
				continue
			}
			return "", nil, fmt.Errorf("line %d: %s before the first FROM", in.Line, in.Cmd)
		}
		stages[len(stages)-1].Instructions = append(stages[len(stages)-1].Instructions, in)
	}
	return syntax, stages, nil
}

// runFlags splits a RUN's --flags (--mount=...) from its command.
func runFlags(args string) (flags []string, command string) {
	for strings.HasPrefix(args, "--") {
		flag, rest, _ := strings.Cut(args, " ")
		flags = append(flags, flag)
		args = strings.TrimSpace(rest)
	}
	return flags, args
}

// shellWords splits a simple shell command line into words, honouring single
// and double quotes and backslashes. Any expansion ($) is refused: the caller
// substitutes the ones it expects first.
func shellWords(s string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated single quote")
			}
			word.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '$' || s[i] == '`' {
					return nil, fmt.Errorf("unexpected expansion in %q", s)
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`, s[i+1]) >= 0 {
					i++
				}
				word.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
			inWord = true
		case c == '$' || c == '`' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>':
			return nil, fmt.Errorf("%q is more than one simple command (found %q)", s, c)
		case c == '\\' && i+1 < len(s):
			i++
			word.WriteByte(s[i])
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// goBuild is the Dockerfile's go build command, taken apart.
type goBuild struct {
	Mounts []string // the RUN's --mount flags
	Env    []string // NAME=value words before go
	Args   []string // after "go"
	Output string   // the -o value
}

// dockerGoBuild finds the build stage's `go build` RUN and returns it with
// ${VERSION} replaced by version.
func dockerGoBuild(t *testing.T, stage dockerStage, version string) goBuild {
	t.Helper()
	for _, in := range stage.find("RUN") {
		mounts, command := runFlags(in.Args)
		if !strings.Contains(command, "go build") {
			continue
		}
		command = strings.ReplaceAll(command, "${VERSION}", version)
		words, err := shellWords(command)
		if err != nil {
			t.Fatalf("Dockerfile line %d: %v", in.Line, err)
		}
		var b goBuild
		b.Mounts = mounts
		for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
			b.Env, words = append(b.Env, words[0]), words[1:]
		}
		if len(words) < 2 || words[0] != "go" || words[1] != "build" {
			t.Fatalf("Dockerfile line %d: %q is not [VAR=value...] go build ...", in.Line, command)
		}
		b.Args = words[1:]
		for i, a := range b.Args {
			if a == "-o" && i+1 < len(b.Args) {
				b.Output = b.Args[i+1]
			}
		}
		return b
	}
	t.Fatal("the Dockerfile's build stage has no RUN ... go build")
	return goBuild{}
}

// loadDockerfile parses the repository's Dockerfile into build and final stages.
func loadDockerfile(t *testing.T) (syntax string, build, final dockerStage) {
	t.Helper()
	syntax, stages, err := parseDockerfile(readRepoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stage(s), want a builder and a final stage", len(stages))
	}
	return syntax, stages[0], stages[len(stages)-1]
}

func TestDockerfileBuildsStaticNonRootImage(t *testing.T) {
	t.Parallel()
	syntax, build, final := loadDockerfile(t)

	if !strings.HasPrefix(syntax, "docker/dockerfile:1") {
		t.Errorf("syntax directive %q, want docker/dockerfile:1 (RUN --mount needs it)", syntax)
	}
	if !strings.HasPrefix(build.From, "golang:1.26") || build.Name == "" {
		t.Errorf("builder stage FROM %s AS %q, want golang:1.26 AS <name>", build.From, build.Name)
	}
	const stamp = "STAMPED-VERSION"
	b := dockerGoBuild(t, build, stamp)
	for _, want := range []string{"--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build"} {
		if !slices.Contains(b.Mounts, want) {
			t.Errorf("go build RUN mounts %q, want %s (module and build caches)", b.Mounts, want)
		}
	}
	if diff := cmp.Diff([]string{"CGO_ENABLED=0"}, b.Env); diff != "" {
		t.Errorf("go build environment (-want +got):\n%s", diff)
	}
	if !slices.Contains(b.Args, "-trimpath") {
		t.Errorf("go build %q has no -trimpath", b.Args)
	}
	if !containsPrefix(b.Args, "-ldflags=") || !strings.Contains(strings.Join(b.Args, " "), "-X main.version="+stamp) {
		t.Errorf("go build %q does not stamp -ldflags -X main.version=${VERSION}", b.Args)
	}
	if b.Args[len(b.Args)-1] != "./cmd/rollcall" || b.Output == "" {
		t.Errorf("go build %q: want -o <file> ... ./cmd/rollcall", b.Args)
	}
	args := build.find("ARG")
	if len(args) == 0 || !strings.HasPrefix(args[0].Args, "VERSION") {
		t.Errorf("the builder stage declares ARG %v, want ARG VERSION", args)
	}

	if final.From != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("final stage FROM %s, want gcr.io/distroless/static-debian12:nonroot", final.From)
	}
	users := final.find("USER")
	if len(users) != 1 || !regexp.MustCompile(`^(nonroot(:nonroot)?|65532(:65532)?)$`).MatchString(users[0].Args) {
		t.Errorf("final stage USER %v, want exactly one USER nonroot", users)
	}
	for cmd, want := range map[string][]string{"ENTRYPOINT": {"/rollcall"}, "CMD": {"serve"}} {
		found := final.find(cmd)
		if len(found) != 1 {
			t.Errorf("final stage has %d %s, want 1", len(found), cmd)
			continue
		}
		var got []string
		if err := json.Unmarshal([]byte(found[0].Args), &got); err != nil {
			t.Errorf("%s %s is not the exec form (a JSON array): %v", cmd, found[0].Args, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", cmd, diff)
		}
	}
	// The final image holds the binary and nothing else of ours: no example
	// employees, no configuration baked in.
	copies := final.find("COPY")
	if want := "--from=" + build.Name + " " + b.Output + " /rollcall"; len(copies) != 1 || copies[0].Args != want {
		t.Errorf("final stage COPY %v, want exactly COPY %s", copies, want)
	}
	for _, cmd := range []string{"ADD", "ENV", "RUN"} {
		if found := final.find(cmd); len(found) > 0 {
			t.Errorf("final stage has %s %v: the image must carry only the binary", cmd, found)
		}
	}
}

func TestShellWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{in: `CGO_ENABLED=0 go build -ldflags="-s -w -X main.version=v1" -o /out/x ./cmd/x`,
			want: []string{"CGO_ENABLED=0", "go", "build", "-ldflags=-s -w -X main.version=v1", "-o", "/out/x", "./cmd/x"}},
		{in: `a 'b c' d\ e`, want: []string{"a", "b c", "d e"}},
		{in: `go build && rm -rf /`, wantErr: true},
		{in: `echo "$HOME"`, wantErr: true},
		{in: `echo "open`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := shellWords(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("shellWords(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
			t.Errorf("shellWords(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, v := range list {
		if strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}
