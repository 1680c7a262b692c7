# Fabric HA Desktop — two commands for a fresh Debian/Ubuntu machine:
#   make run    installs what is missing, builds, and opens the app
#   make test   installs what is missing, then runs every check and test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
RELEASE_APP := target/release/fabric-ha-desktop
DEBUG_APP := target/debug/fabric-ha-desktop

.PHONY: help run test setup setup-test ui app app-e2e lint fmt bindings bindings-check \
	test-rust test-keyring test-ui test-e2e test-fuzz package test-package bench bench-startup bench-replication bench-bundle bench-fabric-ops \
	bench-plan-channels bench-ha-check clean

help:
	@echo "make run   - install dependencies, build, start the app"
	@echo "make test  - install dependencies, run lints and every test suite"
	@echo "make package - build the .deb and .rpm (in $${CARGO_TARGET_DIR:-target}/release/bundle/)"
	@echo "make bench - run the benchmarks under bench/ (not part of make test)"

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

ui:
	cd ui && npm run build

app: ui
	$(CARGO) build --release -p fabric-ha-desktop -p fabric-ha-cli

# The window for the WebDriver tests: file dialogs answer from a script (src-tauri/src/dialogs.rs).
app-e2e: ui
	$(CARGO) build -p fabric-ha-desktop -p fabric-ha-cli --features fabric-ha-desktop/e2e

run: setup app
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./$(RELEASE_APP); \
	else echo "no display: starting under Xvfb"; xvfb-run -a -s "-screen 0 1440x900x24" ./$(RELEASE_APP); fi

# The real-network suites (crates/testnet) run on the Fabric binaries scripts/setup.sh unpacked
# into .fabric/, unless FABRIC_BIN already names others. Tested when the recipe runs, not when
# make reads this file: on a fresh clone setup-test unpacks them earlier in the same `make test`.
FABRIC_ENV = if [ -z "$${FABRIC_BIN:-}" ] && [ -x .fabric/bin/peer ]; then \
	export FABRIC_BIN="$(CURDIR)/.fabric/bin" FABRIC_CFG_PATH="$${FABRIC_CFG_PATH:-$(CURDIR)/.fabric/config}"; fi;

# Regenerates ui/src/bindings from the Rust types (ts-rs runs as part of the core's tests).
bindings:
	$(FABRIC_ENV) $(CARGO) test -q --workspace --lib export_bindings

bindings-check: bindings
	@if [ -n "$$(git status --porcelain -- ui/src/bindings)" ]; then \
		git status --porcelain -- ui/src/bindings; \
		echo "ui/src/bindings is stale: run 'make bindings' and commit the result"; exit 1; fi

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run lint && npx tsc --noEmit

fmt:
	$(CARGO) fmt --all
	cd ui && npx biome check --write .

test-rust:
	$(FABRIC_ENV) $(CARGO) nextest run --workspace --no-fail-fast

# Secrets against a real gnome-keyring (Secret Service) on a private D-Bus session.
test-keyring:
	$(FABRIC_ENV) tests/keyring/run.sh env FABRIC_HA_REAL_KEYRING=1 $(CARGO) test -p fabric-ha-store --test keyring_real

test-ui:
	cd ui && npm run test:unit && npm run test:browser

# The real app window under Xvfb, driven through WebDriver (tauri-driver + WebKitWebDriver).
test-e2e: app-e2e
	tests/e2e/run.sh $(DEBUG_APP) target/debug/fabric-ha

# A short libFuzzer run of the JSON and zip readers, seeded from the committed corpus.
test-fuzz:
	crates/artifacts/fuzz/smoke.sh 10

test: setup-test lint bindings-check test-ui test-keyring test-e2e test-fuzz test-rust test-package

# Installable packages: the .deb and .rpm of the release app, with the fabric-ha CLI as
# /usr/bin/fabric-ha, in ${CARGO_TARGET_DIR:-target}/release/bundle/{deb,rpm}/ (an AppImage too when
# Tauri's linuxdeploy is already cached); fails when the binary or the .deb is over its size limit.
package: setup app
	packaging/linux/build.sh

# Installs the .deb, runs the installed fabric-ha doctor and the installed app (Xvfb, first frame),
# removes it again (tests/package/run.sh; root or sudo).
test-package: setup-test package
	tests/package/run.sh

bench: bench-startup bench-replication bench-bundle bench-fabric-ops bench-plan-channels bench-ha-check

bench-startup: setup-test
	tests/keyring/run.sh xvfb-run -a -s "-screen 0 1440x900x24" python3 bench/startup/bench.py

# The HA engine against test consoles with injected latency (bench/replication/src/main.rs).
bench-replication:
	$(CARGO) run --release -q -p bench-replication -- $(BENCH_ARGS)

# Offline bundle create / verify against zip + age of the same bytes (bench/bundle/src/main.rs).
bench-bundle:
	$(CARGO) run --release -q -p bench-bundle -- $(BENCH_ARGS)

# One new peer's join, catch-up, install and anchor update: fabric-net against the peer and
# configtxlator CLIs, on a real network (bench/fabric-ops/src/main.rs; needs the Fabric binaries).
bench-fabric-ops: setup-test
	@if [ -z "$${FABRIC_BIN:-}" ] && [ -x .fabric/bin/peer ]; then export FABRIC_BIN="$(CURDIR)/.fabric/bin" FABRIC_CFG_PATH="$${FABRIC_CFG_PATH:-$(CURDIR)/.fabric/config}"; fi; \
	$(CARGO) run --release -q -p bench-fabric-ops --bin bench-fabric-ops -- $(BENCH_ARGS)

# The plan's join, catch-up, install and anchor-peer steps for N regions × 2 new peers, against
# one peer alone and the peer/configtxlator CLIs peer by peer, on real networks
# (bench/fabric-ops/src/bin/plan_channels.rs; needs the Fabric binaries).
bench-plan-channels: setup-test
	@$(FABRIC_ENV) $(CARGO) run --release -q -p bench-fabric-ops --bin bench-plan-channels -- $(BENCH_ARGS)

# The HA check (3 regions × 2 new peers, 2 channels) against the slowest peer's own reads plus
# the console reads, on one real network (bench/fabric-ops/src/bin/ha_check.rs; needs the
# Fabric binaries).
bench-ha-check: setup-test
	@$(FABRIC_ENV) $(CARGO) run --release -q -p bench-fabric-ops --bin bench-ha-check -- $(BENCH_ARGS)

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/dist-mock
