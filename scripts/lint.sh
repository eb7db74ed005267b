#!/usr/bin/env bash
# Fails on unformatted Go files and on go vet findings.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l cmd internal bench deploy examples)
if [[ -n "$unformatted" ]]; then
	echo "lint: these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
echo "lint: ok"
