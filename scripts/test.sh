#!/usr/bin/env bash
# The one test command (make test, .ci/run), in the order that fails
# fastest: the quick lint checks (tracked files, gofmt); the binary, built
# as the Dockerfile builds it; every test with the race detector (pure
# internal/roster's without) and every go vet analyzer, then every benchmark
# once, against a freshly started Firestore emulator; then a short run of every fuzz target. Each step says
# how long it took.
#
# staticcheck and golangci-lint are `make lint`'s: building them from source
# takes minutes on a fresh machine, more than this whole run may.
set -euo pipefail
cd "$(dirname "$0")/.."

# step NAME COMMAND...: runs COMMAND and says how long it took.
step() {
	local name=$1 start=$SECONDS
	shift
	"$@"
	echo "test: ${name}: $((SECONDS - start)) s"
}

# The deploy tests run shellcheck on every script; install it on a fresh
# machine.
install_shellcheck() {
	command -v shellcheck >/dev/null 2>&1 && return 0
	echo "test: installing shellcheck (Debian package)"
	if [[ $(id -u) -ne 0 ]]; then
		echo "test: shellcheck is missing and this user cannot apt-get install it: install shellcheck" >&2
		return 1
	fi
	apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
}
export ROLLCALL_TEST_REQUIRE_TOOLS=1

# Every package of the binary, compiled with the Dockerfile's build flags.
# The deploy and cmd/rollcall tests build the binary with these too:
# compiled once here, their builds only link, instead of each compiling
# every package again at the same time. (Building main's imports rather than
# main itself skips a link that nothing would use.)
build_binary() {
	# shellcheck disable=SC2046 # one import path a word
	CGO_ENABLED=0 go build -trimpath $(go list -f '{{join .Imports " "}}' ./cmd/rollcall)
}

# -vet=all runs every go vet analyzer on the build the tests use (plain
# go vet would compile everything once more); the few packages that have no
# tests, which go test does not vet, get a go vet of their own. Every
# benchmark runs once in the same test binaries, so that `make bench` cannot
# rot unnoticed without a build of its own; ROLLCALL_TEST_BENCH_SMOKE lets a
# benchmark that times a large directory (firestore's 10,000-employee sync)
# prove it still works on a small one.
#
# internal/roster is pure (no goroutine, no shared state) and its tests are
# among the costliest under the race detector (a differential test over
# every phone prefix: about 4 s plain, 30 s with -race), so it runs without
# it; every package that calls it concurrently runs its code under -race.
race_free=github.com/rollcall/rollcall/internal/roster
go_test() {
	# shellcheck disable=SC2046 # one package path a word
	ROLLCALL_TEST_BENCH_SMOKE=1 scripts/firestore-emulator.sh go test -race -vet=all -count=1 -bench . -benchtime 1x \
		$(go list ./... | grep -vxF "$race_free")
	ROLLCALL_TEST_BENCH_SMOKE=1 go test -vet=all -count=1 -bench . -benchtime 1x "$race_free"
	# shellcheck disable=SC2046 # one package path a word
	go vet -race $(go list -f '{{if not (or .TestGoFiles .XTestGoFiles)}}{{.ImportPath}}{{end}}' ./...)
}

total=$SECONDS
step "shellcheck" install_shellcheck
step "lint (quick)" scripts/lint.sh --quick
step "build (the binary's packages)" build_binary
step "go test" go_test
step "fuzz" scripts/fuzz.sh
echo "test: ok in $((SECONDS - total)) s"
