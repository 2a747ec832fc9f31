# Parley's build. `make run` and `make test` are the two commands the README
# promises; everything else supports them. Targets install what they need
# (scripts/deps.sh, npm ci), so they work on a fresh Debian 12 machine.
SHELL := /bin/bash
GO ?= go
BIN := bin
E2E := tests/e2e
export CGO_ENABLED := 1

.PHONY: all deps npm build run test test-go fmt-check fuzz test-e2e bench bench-smoke package clean

all: build

## deps: install missing Debian packages, then the npm packages the tests use.
deps:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory npm

npm: $(E2E)/node_modules/.installed

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## build: the headless engine binary and the signaling server.
build: $(BIN)/parley $(BIN)/parley-signal

$(BIN)/parley: FORCE
	$(GO) build -o $@ .

$(BIN)/parley-signal: FORCE
	$(GO) build -o $@ ./signaling/cmd/parley-signal

FORCE:

## run: build and start Parley.
run: deps build
	$(BIN)/parley

## test: everything CI runs.
test: deps fmt-check test-go fuzz test-e2e

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 -timeout 15m ./...

fuzz:
	FUZZTIME=$${FUZZTIME:-10s} bash scripts/fuzz.sh

test-e2e: npm build
	cd $(E2E) && node --test --test-concurrency=1

bench: deps build
	$(GO) build -o $(BIN)/parley-sigload ./signaling/cmd/parley-sigload
	$(GO) build -o $(BIN)/bridge-demo ./app/bridge/cmd/bridge-demo
	$(GO) run ./bench/cmd/parley-bench

bench-smoke: npm build
	$(GO) build -o $(BIN)/parley-sigload ./signaling/cmd/parley-sigload
	$(GO) build -o $(BIN)/bridge-demo ./app/bridge/cmd/bridge-demo
	node --test bench/web/
	$(GO) run ./bench/cmd/parley-bench --smoke --out bench/results/smoke.json

package:
	@echo "package: not built yet (see issue: desktop app and installers)"; exit 1

clean:
	rm -rf $(BIN) build/bin build/out
