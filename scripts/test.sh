#!/usr/bin/env bash
# The one test command (make test, .ci/run), in the order that fails
# fastest: the quick lint checks (tracked files, gofmt); the binary, built
# as the Dockerfile builds it; every test with the race detector (pure
# internal/roster's without) and every go vet analyzer, and every benchmark
# once, against a freshly started Firestore emulator; alongside the tests, a
# short run of every fuzz target. Each step says how long it took.
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
# prove it still works on a small one. The benchmark flags go to the test
# binaries (-args), not to go test: given -bench, go test runs no test
# binary before every package is built, then one package at a time, which
# more than doubled this step.
#
# internal/roster is pure (no goroutine, no shared state) and its tests are
# among the costliest under the race detector (a differential test over
# every phone prefix: about 4 s plain, 30 s with -race), so it runs without
# it; every package that calls it concurrently runs its code under -race.
# The packages whose tests take longest (they wait on the emulator) come
# first, so that go test starts them first. Those tests wait more than they
# compute, so go test runs four actions at a time rather than two
# (GOMAXPROCS here: -p 4), or two waiting test binaries would hold up every
# other package's build, and a package's tests four at a time (-parallel 4).
#
# The emulator's JVM compiles with its quick compiler only and collects
# garbage on one thread: for a run this short, that halves its CPU time, on
# a machine whose two cores the tests need (make bench's emulator keeps the
# JVM's defaults).
race_free=github.com/rollcall/rollcall/internal/roster
emulator_jvm="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
slowest="./internal/firestore ./cmd/rollcall"
bench_args=(-args -test.bench=. -test.benchtime=1x)
go_test() {
	# shellcheck disable=SC2046,SC2086 # one package path a word
	ROLLCALL_TEST_BENCH_SMOKE=1 JAVA_TOOL_OPTIONS="$emulator_jvm" \
		scripts/firestore-emulator.sh go test -race -vet=all -count=1 -p 4 -parallel 4 \
		$slowest $(go list ./... | grep -vxF "$race_free") "${bench_args[@]}"
	# shellcheck disable=SC2046 # one package path a word
	go vet -race $(go list -f '{{if not (or .TestGoFiles .XTestGoFiles)}}{{.ImportPath}}{{end}}' ./...)
}
go_test_race_free() {
	ROLLCALL_TEST_BENCH_SMOKE=1 go test -vet=all -count=1 "$race_free" "${bench_args[@]}"
}

# background NAME STEP COMMAND... starts COMMAND in the background, in a
# process group of its own (set -m) that an interrupted or failed run stops,
# its output and how long it took kept; finish NAME waits for it, prints
# those and fails as it did. The emulator-bound tests wait on the emulator
# more than they use the CPU, which pure roster's tests and the fuzz targets
# use meanwhile.
declare -A pids
logs=$(mktemp -d)
stop_background() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	rm -rf "$logs"
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
background() {
	local name=$1
	shift
	set -m
	step "$@" >"$logs/$name" 2>&1 &
	pids[$name]=$!
	set +m
}
finish() {
	local rc=0
	wait "${pids[$1]}" || rc=$?
	unset "pids[$1]"
	cat "$logs/$1"
	return "$rc"
}

total=$SECONDS
background shellcheck "shellcheck" install_shellcheck # apt waits on the network: build meanwhile
step "lint (quick)" scripts/lint.sh --quick
step "build (the binary's packages)" build_binary
finish shellcheck
background roster "go test (pure roster, without -race)" go_test_race_free
background fuzz "fuzz" scripts/fuzz.sh
step "go test" go_test
finish roster
finish fuzz
echo "test: ok in $((SECONDS - total)) s"
