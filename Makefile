# Parley's build. `make run` and `make test` are the two commands the README
# promises; everything else supports them. Targets install what they need
# (scripts/deps.sh, npm ci), so they work on a fresh Debian 12 machine.
SHELL := /bin/bash
GO ?= go
BIN := bin
OUT := build/bin
E2E := tests/e2e
VERSION ?= 0.1.0
LDFLAGS := -X main.version=$(VERSION)
# What `wails build` uses on Linux; WebKitGTK 4.1 (the 4.0 API is gone from
# current distributions).
DESKTOP_TAGS := desktop,webkit2_41,production
NFPM := $(BIN)/tools/nfpm
export CGO_ENABLED := 1

.PHONY: all deps npm build desktop run test test-go fmt-check fuzz test-e2e test-faults test-package \
	test-window bench bench-smoke package clean FORCE

all: build

## deps: install missing Debian packages, then the npm packages the tests use.
deps:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory npm

npm: $(E2E)/node_modules/.installed

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	cd $(E2E) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## build: the binaries the tests run. bin/parley is a plain `go build` (no
## window, --headless only); bin/parley-dev is the Wails dev build that
## serves the real frontend with live bindings for the UI tests.
build: $(BIN)/parley $(BIN)/parley-signal $(BIN)/parley-sigload $(BIN)/parley-dev

$(BIN)/parley: FORCE
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ .

$(BIN)/parley-dev: FORCE
	$(GO) build -tags dev,webkit2_41 -ldflags "$(LDFLAGS)" -o $@ .

$(BIN)/parley-signal: FORCE
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./signaling/cmd/parley-signal

$(BIN)/parley-sigload: FORCE
	$(GO) build -o $@ ./signaling/cmd/parley-sigload

## desktop: the production desktop binary, what the packages install.
desktop: $(OUT)/parley

$(OUT)/parley: FORCE
	$(GO) build -tags $(DESKTOP_TAGS) -ldflags "-w -s $(LDFLAGS)" -o $@ .

FORCE:

## run: build and start the desktop app (with its embedded signaling server
## unless Settings name another).
run: deps desktop
	$(OUT)/parley

## test: everything CI runs.
test: deps fmt-check test-go fuzz test-e2e test-faults test-package test-window bench-smoke

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff

test-go:
	$(GO) test -race -count=1 -timeout 15m ./...

fuzz:
	FUZZTIME=$${FUZZTIME:-10s} bash scripts/fuzz.sh

## test-faults: calls across network namespaces (link down, loss, a killed
## peer, a restarted server); needs root and iproute2, skips otherwise.
test-faults: $(BIN)/parley $(BIN)/parley-signal
	$(GO) test -tags faults -count=1 -v ./tests/faults/

test-e2e: npm build
	cd $(E2E) && node --test --test-concurrency=1

## test-package: build the .deb, install it here and run the installed binary.
test-package: package $(BIN)/parley $(BIN)/parley-signal
	bash scripts/package-selftest.sh $(OUT)/parley_$(VERSION)-1_amd64.deb

## test-window: the production binary in a real window under Xvfb, in a call;
## the screenshot is kept in build/out/ (a CI artifact, not in git).
test-window: desktop $(BIN)/parley $(BIN)/parley-signal
	bash scripts/window-screenshot.sh $(OUT)/parley build/out/window.png

bench: deps build desktop
	$(GO) run ./bench/cmd/parley-bench

bench-smoke: npm build desktop
	node --test bench/web/
	$(GO) run ./bench/cmd/parley-bench --smoke --out bench/results/smoke.json

## package: .deb and .rpm with nfpm (binary, .desktop file, icons).
package: desktop $(NFPM)
	PARLEY_VERSION=$(VERSION) $(NFPM) package -f build/linux/nfpm.yaml -p deb -t $(OUT)/
	PARLEY_VERSION=$(VERSION) $(NFPM) package -f build/linux/nfpm.yaml -p rpm -t $(OUT)/

$(NFPM):
	GOBIN=$(abspath $(BIN)/tools) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.44.0

clean:
	rm -rf $(BIN) $(OUT) build/out
