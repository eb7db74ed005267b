#!/usr/bin/env bash
# The one test command (make test, .ci/run): lint, every test with the race
# detector against a freshly started Firestore emulator, then a short run of
# every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/lint.sh
scripts/firestore-emulator.sh go test -race -count=1 ./...
scripts/fuzz.sh
