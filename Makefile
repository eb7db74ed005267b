# The targets a newcomer guesses. `make run` and `make test` are the README's
# two set-up commands; .ci/run calls `make test`.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: run test bench lint fuzz build clean

run: ## serve on :8080 from examples/employees.csv into rollcall.db
	$(GO) run ./cmd/rollcall serve

test: ## the quick lint checks, then every test (race detector, every vet analyzer, each benchmark once) with the Firestore emulator started and stopped around them, and alongside them a short fuzz of every target
	scripts/test.sh

bench: ## the service benchmark (bench/, docs/benchmarks.md; BENCHFLAGS=-quick for a short run), then the Go micro-benchmarks; one emulator for both
	scripts/firestore-emulator.sh sh -c '$(GO) run ./bench $(BENCHFLAGS) && $(GO) test -run "^$$" -bench . -benchmem ./...'

lint: ## tracked files (none over 1 MiB, no executables), gofmt, go vet, staticcheck and golangci-lint (.golangci.yml), the last two pinned, installed from the Go module proxy on first use
	scripts/lint.sh

fuzz: ## a longer fuzzing session: a million executions of every fuzz target
	FUZZTIME=1000000x scripts/fuzz.sh

build: ## a static binary in bin/
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/rollcall ./cmd/rollcall

clean:
	rm -rf bin rollcall.db
