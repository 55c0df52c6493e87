#!/usr/bin/env bash
# Runs `swift test --skip-build` so that it always ends, with the suite's own verdict.
#
# Two ways a run can hang, each turned into an ending with evidence instead of a CI timeout:
# - The swift-testing process prints its final "Test run with N tests … passed|failed" line and
#   then does not exit (seen on Linux with Swift 6.3: every test finished, no thread busy, the
#   process idle). After SUMMARY_GRACE seconds it is ended and the summary decides the status.
# - Nothing is printed for SILENCE_LIMIT seconds before the summary: a test is stuck. The
#   threads of the test process are printed (gdb), it is killed, and the run fails. (Seen once,
#   all tests at once with two CPU hogs beside them: the process idle, no task thread left, no
#   timer armed — every task waiting; not reproduced one test at a time, which `make test` uses.)
#
# usage: Tests/run_suite.sh [swift test arguments…]
set -uo pipefail

SUMMARY_GRACE=${SUMMARY_GRACE:-30}
SILENCE_LIMIT=${SILENCE_LIMIT:-300}

log=$(mktemp /tmp/conveyor-suite-XXXXXX.log)
trap 'rm -f "$log"' EXIT

# setsid: a session of its own, so everything the run starts can be found and ended together
# (swift test puts the test process in a process group of its own, inside that session).
setsid swift test --skip-build "$@" > >(tee "$log") 2>&1 &
runner=$!

test_process() { pgrep -s "$runner" -f 'ConveyorPackageTests.xctest.*swift-testing' | head -n 1; }

backtraces() {
    local pid
    pid=$(test_process)
    if [ -n "$pid" ] && command -v gdb >/dev/null; then
        echo "run_suite: threads of the test process $pid:"
        gdb -p "$pid" -batch -ex "thread apply all bt 30" 2>/dev/null | grep -E '^(Thread|#)' | cut -c1-240
    fi
}

end_session() {
    pkill -TERM -s "$runner" 2>/dev/null
    sleep 2
    pkill -KILL -s "$runner" 2>/dev/null
    wait "$runner" 2>/dev/null
}

summary_seen=""
while kill -0 "$runner" 2>/dev/null; do
    sleep 2
    if [ -z "$summary_seen" ] && grep -qE '^. Test run with [0-9]+ tests? .*(passed|failed) after' "$log"; then
        summary_seen=$(date +%s)
    fi
    if [ -n "$summary_seen" ] && [ $(( $(date +%s) - summary_seen )) -ge "$SUMMARY_GRACE" ]; then
        echo "run_suite: every test finished, but the test process did not exit within ${SUMMARY_GRACE}s of its summary; ending it"
        backtraces
        end_session
        grep -qE '^. Test run with [0-9]+ tests? .* passed after' "$log" && exit 0
        exit 1
    fi
    if [ -z "$summary_seen" ] && [ $(( $(date +%s) - $(stat -c %Y "$log") )) -ge "$SILENCE_LIMIT" ]; then
        echo "run_suite: no output for ${SILENCE_LIMIT}s and no summary: a test is stuck; ending the run"
        backtraces
        end_session
        exit 1
    fi
done
wait "$runner"
