#!/usr/bin/env bash
# make lint: gofmt, go vet, staticcheck and golangci-lint (.golangci.yml),
# the last two pinned and installed from the Go module proxy on first use,
# then kept in the user's cache per version and Go release.
set -euo pipefail
cd "$(dirname "$0")/.."

# staticcheck 0.8 (2026.x) and golangci-lint 2.15 build with and understand
# the Go of go.mod (1.26).
readonly STATICCHECK_VERSION=v0.8.2
readonly GOLANGCI_LINT_VERSION=v2.15.0

tools="${XDG_CACHE_HOME:-$HOME/.cache}/rollcall-lint/$(go env GOVERSION)"

# tool NAME MODULE-PATH VERSION: prints the path of NAME, go-installing it
# first if this version is not in the cache yet.
tool() {
	local dir="${tools}/$1-$3"
	if [[ ! -x "${dir}/$1" ]]; then
		echo "lint: installing $2@$3 from the Go module proxy" >&2
		GOBIN="$dir" GOFLAGS=-mod=mod go install "$2@$3" >&2
	fi
	printf '%s' "${dir}/$1"
}

unformatted=$(gofmt -l cmd internal bench deploy examples)
if [[ -n "$unformatted" ]]; then
	echo "lint: these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
"$(tool staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION")" ./...
"$(tool golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint "$GOLANGCI_LINT_VERSION")" run ./...
echo "lint: ok"
