# kubeplay: two commands do all the set-up.
#   make serve   install missing tools, build the release dist/, serve it on http://127.0.0.1:8080
#   make test    install missing tools (+ chromium, e2e packages), then every check CI runs
#
# Tools live in .tools/ (git-ignored), first on PATH; see scripts/setup.sh and TOOLCHAIN.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(TOOLS)/node_modules/.bin:$(PATH)

PORT ?= 8080
# Several people share this working tree: concurrent trunk builds (or e2e runs) in it
# clobber each other's dist/.stage and screenshots, so those steps take this lock.
LOCK := $(TOOLS)/.make.lock
SCREENSHOTS := $(CURDIR)/e2e/screenshots
# wasm-bindgen-test-runner: Debian's chromedriver, generous timeout for a busy 2-core machine.
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

step = @printf '\n\033[1;32m==> %s\033[0m\n' "$(1)"

.PHONY: help setup setup-test serve build dist test checks fmt-check clippy test-native \
        test-web e2e size bench fuzz

help:
	@echo "make serve   install missing tools, build the release dist/ and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test    install missing tools, then fmt, clippy, native + browser tests, release build, e2e, sizes"
	@echo "other targets: setup setup-test build dist fmt-check clippy test-native test-web e2e size bench"
	@echo "make fuzz TARGET=apply_manifest|run_command|decode_link [FUZZ_TIME=600]   (nightly)"

setup:
	$(call step,setup: checking tools in .tools/)
	@scripts/setup.sh build

setup-test:
	$(call step,setup: checking tools in .tools/ + chromium + e2e packages)
	@scripts/setup.sh test

## make serve: the same release dist/ that make test tests (never trunk's debug server)
serve: build
	$(call step,serving dist/)
	@echo "    kubeplay: http://127.0.0.1:$(PORT)/   (Ctrl-C stops the server)"
	@python3 -m http.server $(PORT) --bind 127.0.0.1 --directory dist

build: setup dist

dist:
	$(call step,release build with trunk -> dist/)
	@mkdir -p $(TOOLS)
	flock $(LOCK) trunk build --release
	@test -f dist/kubeplay.js -a -f dist/kubeplay_bg.wasm -a -f dist/boot.js -a -f dist/explain-schema.txt || \
	  { echo "error: dist/ lacks kubeplay.js, kubeplay_bg.wasm, boot.js or explain-schema.txt (static/boot.js fetches them)" >&2; exit 1; }

## make test
test: setup-test
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory checks; \
	printf '\n\033[1;32m==> make test passed in %ss\033[0m\n' "$$(( $$(date +%s) - start ))"

checks: fmt-check clippy test-native test-web dist e2e size

fmt-check:
	$(call step,cargo fmt --check)
	cargo fmt --all --check

clippy:
	$(call step,cargo clippy (native and wasm32))
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings

test-native:
	$(call step,native tests)
	cargo test --workspace --no-fail-fast

test-web:
	$(call step,browser tests: wasm-bindgen-test in headless Chromium)
	cargo test --target wasm32-unknown-unknown --test web

e2e:
	$(call step,end-to-end tests against dist/)
	@mkdir -p $(TOOLS)
	@flock $(LOCK) scripts/e2e.sh
	@echo "    screenshots: $(SCREENSHOTS)"

size:
	$(call step,bundle sizes)
	@scripts/size-report.sh dist
	@echo "    screenshots of the e2e run: $(SCREENSHOTS)"

bench:
	$(call step,benchmarks: criterion (native) + browser (e2e/bench.mjs) + bundle size, one table)
	@benches/report.sh

## make fuzz: cargo-fuzz needs nightly, which a fresh machine may lack, so it is not part
## of make test (which replays the committed corpora on stable: tests/fuzz_corpus.rs).
## New inputs go to fuzz/.scratch/ (git-ignored); copy findings into fuzz/corpus/ by hand.
FUZZ_TIME ?= 600
CARGO_FUZZ_VERSION := 0.13.2
fuzz:
	$(call step,cargo-fuzz $(TARGET) for $(FUZZ_TIME) s (nightly, nice 19))
	@case "$(TARGET)" in apply_manifest|run_command|decode_link) ;; \
	  *) echo "usage: make fuzz TARGET=apply_manifest|run_command|decode_link [FUZZ_TIME=600]" >&2; exit 1;; esac
	@cargo +nightly --version >/dev/null 2>&1 || \
	  { echo "error: make fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2; exit 1; }
	@[ "$$(cargo-fuzz --version 2>/dev/null)" = "cargo-fuzz $(CARGO_FUZZ_VERSION)" ] || \
	  cargo install --root $(TOOLS) cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked
	@mkdir -p fuzz/.scratch/$(TARGET)
	cd fuzz && nice -n 19 cargo +nightly fuzz run $(TARGET) .scratch/$(TARGET) corpus/$(TARGET) -- \
	  -max_total_time=$(FUZZ_TIME) -timeout=30 -rss_limit_mb=2048 -max_len=65536
