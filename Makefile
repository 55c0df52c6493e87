# Conveyor — `make test` is the whole suite (CI runs it); `make bench` the benchmarks.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# System packages the build and tests need (Debian names): SQLite for the default store
# (GRDB links the system library); each plugin that links a C library adds its -dev package here.
APT_PACKAGES := libsqlite3-dev

.PHONY: deps build test bench sample clean

deps:
	@command -v swift >/dev/null || { echo "swift is not on PATH (expected /opt/swift)"; exit 1; }
	@missing=""; for pkg in $(APT_PACKAGES); do dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

build: deps
	swift build

test: deps
	swift build --build-tests
	swift test --skip-build

bench: deps
	swift build -c release --product conveyor
	.build/release/conveyor bench --store memory: --jobs 200000 --workers 64
	rm -f .build/bench.db .build/bench.db-wal .build/bench.db-shm
	.build/release/conveyor bench --store sqlite:.build/bench.db --jobs 100000 --workers 64

sample: deps
	swift run custom-handler

clean:
	rm -rf .build
