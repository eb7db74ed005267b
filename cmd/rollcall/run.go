package main

import (
	"context"
	"errors"
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

// exitCode prints err, if any, and returns the process's exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	code := exitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if ee == nil || ee.err != errSilent {
		fmt.Fprintln(stderr, "rollcall:", err)
	}
	return code
}

// errSilent is an exit whose explanation was already printed.
var errSilent = errors.New("(reported)")

// run is the whole program, with its surroundings passed in so that tests
// can run any command in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return withCode(exitUsage, errSilent)
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, "rollcall", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "doctor":
		return doctorCmd(ctx, args, getenv, stdout, stderr)
	case "serve", "sync", "check":
	default:
		fmt.Fprintf(stderr, "rollcall: unknown command %q\n\n%s\n", cmd, usage)
		return withCode(exitUsage, errSilent)
	}

	cfg, err := config.Load(getenv)
	if err != nil {
		return withCode(exitUsage, err)
	}
	log := logging.New(stderr, cfg.Log.Format, cfg.Log.Level).With("command", cmd)
	ctx = logging.WithLogger(ctx, log)
	switch cmd {
	case "serve":
		return serve(ctx, args, cfg, stdout, stderr)
	case "sync":
		return syncOnce(ctx, args, cfg, stdout, stderr)
	default:
		return check(ctx, args, cfg, stdout)
	}
}
