// Command rollcall answers a KakaoTalk chatbot's question "is this person an
// employee?" from HR's sheet, copied into a store by the sync. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Cloud Run stops an instance with SIGTERM; a terminal with SIGINT.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	stopProfile := startProfile(os.Getenv)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
