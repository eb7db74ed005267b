#!/usr/bin/env bash
# The one test command (make test, .ci/run): lint, every test with the race
# detector against a freshly started Firestore emulator, every benchmark once,
# then a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

# The deploy tests run shellcheck on deploy/*.sh; install it on a fresh machine.
if ! command -v shellcheck >/dev/null 2>&1; then
	echo "test: installing shellcheck (Debian package)"
	if [[ $(id -u) -eq 0 ]]; then
		apt-get update -qq && apt-get install -y -qq shellcheck >/dev/null
	else
		echo "test: shellcheck is missing and this user cannot apt-get install it: install shellcheck" >&2
		exit 1
	fi
fi
export ROLLCALL_TEST_REQUIRE_TOOLS=1

scripts/lint.sh
# Every benchmark once too, so that `make bench` cannot rot unnoticed.
scripts/firestore-emulator.sh sh -c 'go test -race -count=1 ./... && go test -run "^$" -bench . -benchtime 1x ./...'
scripts/fuzz.sh
