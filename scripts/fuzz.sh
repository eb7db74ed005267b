#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME each (default 5s: a smoke run for CI;
# `make fuzz` runs longer). A fuzz target is a func FuzzXxx in a _test.go file.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}

grep -rl --include='*_test.go' '^func Fuzz' cmd internal | sort | while read -r file; do
	pkg="./$(dirname "$file")"
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //' | while read -r target; do
		echo "fuzz: $pkg $target for $fuzztime"
		go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >/tmp/rollcall-fuzz.log 2>&1 || {
			cat /tmp/rollcall-fuzz.log >&2
			exit 1
		}
	done
done
