package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/rollcall/rollcall/internal/config"
	"github.com/rollcall/rollcall/internal/logging"
)

// version is stamped at build time: -ldflags "-X main.version=...".
var version = "dev"

// Exit codes of the contract.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitRefused = 3
)

const usage = `usage: rollcall <command> [arguments]

commands:
  serve [--check-config]        run the HTTP service (or only validate the configuration)
  sync [--dry-run] [--force] [--json]
                                run the sync once: copy the employee sheet into the store
  check PHONE                   tell whether PHONE belongs to an employee
  doctor [--json]               check the set-up and every dependency, changing nothing
  version                       print the version

Configuration comes from environment variables; see README.md.`

// exitError carries a process exit code with the error that caused it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to err.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// errSilent is an exit whose explanation was already printed.
var errSilent = errors.New("(reported)")

// exitCode prints err, if any, and returns the process's exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	code := exitFailed
	ee, ok := errors.AsType[*exitError](err)
	if ok {
		code = ee.code
	}
	if !ok || ee.err != errSilent {
		fmt.Fprintln(stderr, "rollcall:", err)
	}
	return code
}

// command is a subcommand that runs with the configuration loaded.
type command func(ctx context.Context, args []string, cfg config.Config, stdout, stderr io.Writer) error

// run is the whole program, its surroundings passed in so that tests run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return withCode(exitUsage, errSilent)
	}
	cmd, args := args[0], args[1:]
	configured := map[string]command{"serve": serve, "sync": syncOnce, "check": check}
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, "rollcall", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "doctor":
		return doctorCmd(ctx, args, getenv, stdout, stderr)
	}
	c, ok := configured[cmd]
	if !ok {
		fmt.Fprintf(stderr, "rollcall: unknown command %q\n\n%s\n", cmd, usage)
		return withCode(exitUsage, errSilent)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return withCode(exitUsage, err)
	}
	log := logging.New(stderr, cfg.Log.Format, cfg.Log.Level).With("command", cmd)
	return c(logging.WithLogger(ctx, log), args, cfg, stdout, stderr)
}

// writeJSON prints v as indented JSON, as --json does.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseFlags parses a command's flags, printing their errors; a command takes no argument.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return withCode(exitUsage, errSilent)
	}
	if fs.NArg() > 0 {
		return withCode(exitUsage, fmt.Errorf("%s takes no arguments, got %q", fs.Name(), fs.Args()))
	}
	return nil
}
