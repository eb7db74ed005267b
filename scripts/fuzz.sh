#!/usr/bin/env bash
# Runs every fuzz target (a func FuzzXxx in a _test.go file) for FUZZTIME each.
#
# The budget is a count of executions (30000x: a smoke run for CI, about 5 s
# a target here; `make fuzz` runs far more), not a duration: with a duration,
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" at
# the end of the window on a busy machine without having found anything
# (golang/go#75804, fixed in Go 1.27). A count has no deadline to race, so a
# failure here is always a real finding, with its input written under
# testdata/fuzz/.
#
# The first target of a package costs more than its executions: -fuzz builds
# the test binary again with coverage instrumentation in every package it
# links, the standard library and the modules included, and caches that
# build apart from the plain and the race ones. So fuzz targets live in
# small packages: a package that linked gin would link some 360 packages
# and spend about two minutes compiling on a fresh cache, which is why Open
# Builder's payload decoding is internal/openbuilder/payload (standard
# library only: about 35 s from an empty cache, most of it the standard
# library, which the later targets reuse).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-30000x}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

grep -rl --include='*_test.go' '^func Fuzz' cmd internal | sort | while read -r file; do
	pkg="./$(dirname "$file")"
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //' | while read -r target; do
		start=$SECONDS
		if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" >"$log" 2>&1; then
			cat "$log" >&2
			echo "fuzz: $pkg $target FAILED" >&2
			exit 1
		fi
		echo "fuzz: $pkg $target: $fuzztime in $((SECONDS - start)) s"
	done
done
