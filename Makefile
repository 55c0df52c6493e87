# Conveyor — `make test` is the whole suite (CI runs it); `make bench` the benchmarks.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# System packages the build and tests need (Debian names): SQLite for the default store
# (GRDB links the system library), libcurl for ConveyorCurl, FFmpeg's libraries for MediaProbe;
# python3 runs the HTTP fixture server and the Bot API double, curl and ffmpeg are what the media
# benchmarks compare with; python3-aiosmtpd (for Debian's /usr/bin/python3) and openssl make the
# SMTP server email tests send to, with its self-signed certificate; postgresql is the server
# `make test` starts for the PostgreSQL store's tests (never a system-wide service); chromium
# loads the dashboard headless; wrk drives the HTTP benchmark; gdb prints the threads of a test
# process that hangs (Tests/run_suite.sh).
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
TEST_PACKAGES := python3 python3-venv curl ffmpeg python3-aiosmtpd openssl postgresql chromium wrk gdb

# Python tools from PyPI, in a venv under .build: openapi-spec-validator (the OpenAPI test),
# websocket-client (drives Chromium for the dashboard check), schemathesis (`make fuzz`).
VENV := .build/venv
PY_TOOLS := openapi-spec-validator websocket-client schemathesis

.PHONY: deps build test check-leaks dashboard fuzz run bench bench-server bench-postgres bench-media bench-etl sample clean

# A throwaway PostgreSQL on a free loopback port (Tests/Fixtures/postgres/test_postgres.sh).
TEST_POSTGRES := /tmp/conveyor-make-postgres

deps:
	@command -v swift >/dev/null || { echo "swift is not on PATH (expected /opt/swift)"; exit 1; }
	@missing=""; for pkg in $(APT_PACKAGES) $(TEST_PACKAGES); do dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then echo "Installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

build: deps
	swift build

$(VENV)/.installed:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_TOOLS)
	touch $@

# The whole suite, with a PostgreSQL started for it and stopped after, however the run ends.
# CONVEYOR_TEST_REQUIRE_POSTGRES makes the Postgres tests fail, never skip, without it.
# Tests/run_suite.sh makes sure the run ends: a stuck test fails it with the threads printed.
# One test at a time (about 100 s instead of 25): with every test at once on two cores, the
# process tests' timing depended on how loaded the machine was, and once in 15 runs with two
# extra CPU hogs the test process froze (see Tests/run_suite.sh). `swift test` alone runs them
# in parallel.
test: deps $(VENV)/.installed
	swift build --build-tests
	url=$$(Tests/Fixtures/postgres/test_postgres.sh start $(TEST_POSTGRES)-$$$$); \
	trap 'Tests/Fixtures/postgres/test_postgres.sh stop $(TEST_POSTGRES)-'$$$$ EXIT; \
	CONVEYOR_TEST_POSTGRES_URL="$$url" CONVEYOR_TEST_REQUIRE_POSTGRES=1 CONVEYOR_TEST_PYTHON=$(VENV)/bin/python Tests/run_suite.sh --no-parallel
	$(MAKE) dashboard
	$(MAKE) check-leaks

# The dashboard in headless Chromium: enqueue a sleep job from its form, see the progress bar
# move, save a screenshot (.build/dashboard.png). Served by step-fixture-worker: `conveyor` with
# one pipeline more (journal-lines), whose steps the check follows in a job's detail.
dashboard: deps $(VENV)/.installed
	swift build --product step-fixture-worker
	$(VENV)/bin/python Tests/Fixtures/dashboard/check_dashboard.py .build/debug/step-fixture-worker .build/dashboard.png

# schemathesis against a running server and its /openapi.json: no 5xx, every status, header,
# content type and body as documented, 405 for undocumented methods. Not checked: that every
# schema-valid enqueue is accepted — a payload's shape is each handler's own Codable input,
# which the document does not spell out (a wrong one is a documented 400).
fuzz: deps $(VENV)/.installed
	swift build --product conveyor
	secret=$$(head -c 32 /dev/urandom | base64); port=$$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	CONVEYOR_JWT_SECRET="$$secret" .build/debug/conveyor serve --store memory: --port $$port > .build/fuzz-server.log 2>&1 & pid=$$!; \
	trap 'kill $$pid' EXIT; \
	token=$$(CONVEYOR_JWT_SECRET="$$secret" .build/debug/conveyor token --user fuzzer --admin); \
	for i in $$(seq 50); do curl -sf http://127.0.0.1:$$port/health/live >/dev/null && break; sleep 0.2; done; \
	$(VENV)/bin/schemathesis run http://127.0.0.1:$$port/openapi.json -H "Authorization: Bearer $$token" \
	    --checks all --exclude-checks positive_data_acceptance --max-examples 100 --exclude-path /ws

# Release build, then `conveyor serve` on sqlite:conveyor.db with every built-in plugin. Without
# CONVEYOR_JWT_SECRET it keeps a random one in conveyor.db.jwt-secret and prints the dashboard URL and an admin token.
run: deps
	swift build -c release --product conveyor
	.build/release/conveyor serve

# Every media fixture probed by a build with AddressSanitizer; LeakSanitizer fails the run on
# any leaked allocation (FFmpeg's included).
check-leaks: deps
	swift build --sanitize=address --scratch-path .build-asan --product media-bench
	ASAN_OPTIONS=detect_leaks=1 .build-asan/debug/media-bench probe Tests/Fixtures/media/*.mp4 Tests/Fixtures/media/*.webm \
	    Tests/Fixtures/media/*.m4a Tests/Fixtures/media/*.txt
	@echo "check-leaks: no leaks"

bench: deps
	swift build -c release --product conveyor
	.build/release/conveyor bench --store memory: --jobs 200000 --workers 64
	rm -f .build/bench.db .build/bench.db-wal .build/bench.db-shm
	.build/release/conveyor bench --store sqlite:.build/bench.db --jobs 100000 --workers 64

# The server: HTTP enqueue latency with wrk (1 connection: latency; 32: throughput) against a
# release `conveyor serve` on a memory store, then on SQLite; 1,000 idle WebSocket clients (its RSS
# growth); progress reported in a handler → received by a WebSocket client.
bench-server: deps
	swift build -c release --product conveyor
	swift build -c release --product server-bench
	for store in memory: sqlite:.build/bench-server.db; do \
	  rm -f .build/bench-server.db*; \
	  secret=$$(head -c 32 /dev/urandom | base64); \
	  CONVEYOR_JWT_SECRET="$$secret" CONVEYOR_LOG_LEVEL=warning .build/release/conveyor serve --store $$store --port 18480 --no-workers > /dev/null 2>&1 & pid=$$!; \
	  token=$$(CONVEYOR_JWT_SECRET="$$secret" .build/release/conveyor token --user bench --admin); \
	  for i in $$(seq 50); do curl -sf http://127.0.0.1:18480/health/live >/dev/null && break; sleep 0.2; done; \
	  echo "== HTTP enqueue, $$store, 1 connection"; \
	  TOKEN=$$token wrk -t1 -c1 -d10s --latency -s Benchmarks/http/enqueue.lua http://127.0.0.1:18480/api/jobs | grep -E "50%|90%|99%|Requests/sec"; \
	  echo "== HTTP enqueue, $$store, 32 connections"; \
	  TOKEN=$$token wrk -t2 -c32 -d10s --latency -s Benchmarks/http/enqueue.lua http://127.0.0.1:18480/api/jobs | grep -E "50%|90%|99%|Requests/sec"; \
	  if [ $$store = memory: ]; then .build/release/server-bench idle --url "ws://127.0.0.1:18480/ws?token=$$token" --pid $$pid --clients 1000; fi; \
	  kill $$pid; wait $$pid || true; \
	done
	.build/release/server-bench progress --jobs 50 --reports 40

# The same bench on PostgreSQL on this machine (a fresh server, fsync on), workers in one process;
# it adds NOTIFY→start: jobs enqueued through a second connection pool, timed until started.
bench-postgres: deps
	swift build -c release --product conveyor
	url=$$(Tests/Fixtures/postgres/test_postgres.sh start $(TEST_POSTGRES)-bench-$$$$ durable); \
	trap 'Tests/Fixtures/postgres/test_postgres.sh stop $(TEST_POSTGRES)-bench-'$$$$ EXIT; \
	.build/release/conveyor bench --store "$$url" --jobs 100000 --workers 128; \
	.build/release/conveyor bench --store "$$url" --jobs 100000 --workers 256

# Download throughput vs curl on a 200 MB file, RSS while 3× the budget downloads, probe vs
# ffprobe, and video-to-telegram end to end on a 39 MB MP4 (the Bot API double in --bench mode).
BENCH_MEDIA := .build/bench-media
bench-media: deps
	swift build -c release --product media-bench
	mkdir -p $(BENCH_MEDIA)
	[ -f $(BENCH_MEDIA)/200MB.bin ] || head -c 200000000 /dev/urandom > $(BENCH_MEDIA)/200MB.bin
	[ -f $(BENCH_MEDIA)/40MB.bin ] || head -c 40000000 /dev/urandom > $(BENCH_MEDIA)/40MB.bin
	[ -f $(BENCH_MEDIA)/40MB.mp4 ] || ffmpeg -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 \
	    -t 60 -c:v libx264 -preset ultrafast -b:v 5M -maxrate 5M -bufsize 10M -c:a aac -movflags +faststart $(BENCH_MEDIA)/40MB.mp4
	coproc SERVER { exec python3 Tests/Fixtures/http/fixture_server.py --root $(BENCH_MEDIA); }; \
	read -r _ port <&"$${SERVER[0]}"; \
	exec 8< <(exec python3 Tests/Fixtures/telegram/bot_api_double.py --bench --until-killed); api_pid=$$!; \
	read -r _ api <&8; \
	.build/release/media-bench telegram http://127.0.0.1:$$port/files/40MB.mp4 --api http://127.0.0.1:$$api --jobs 6 --concurrency 1; \
	.build/release/media-bench telegram http://127.0.0.1:$$port/files/40MB.mp4 --api http://127.0.0.1:$$api --jobs 6 --concurrency 3; \
	kill $$api_pid; \
	.build/release/media-bench download http://127.0.0.1:$$port/files/200MB.bin --iterations 5 --compare; \
	.build/release/media-bench download http://127.0.0.1:$$port/files/200MB.bin --iterations 5 --compare --no-hash; \
	.build/release/media-bench memory http://127.0.0.1:$$port/files/40MB.bin --jobs 15 --budget 200000000 --per-job 50000000; \
	.build/release/media-bench memory http://127.0.0.1:$$port/chunked/40MB.bin --jobs 15 --budget 200000000 --per-job 50000000; \
	kill $$SERVER_PID
	.build/release/media-bench probe Tests/Fixtures/media/*.mp4 Tests/Fixtures/media/video.webm --iterations 50 --compare

# CSV → SQLite: a generated 1M-row, 8-column file through the etl job, rows/s and RSS growth.
bench-etl: deps
	swift build -c release --product etl-bench
	.build/release/etl-bench --rows 1000000 --iterations 3
	.build/release/etl-bench --rows 1000000 --iterations 1 --no-casts

sample: deps
	swift run custom-handler

clean:
	rm -rf .build .build-asan
