#!/usr/bin/env bash
# Serves dist/ on a free 127.0.0.1 port, runs every e2e test against it, and stops
# the server by its PID afterwards, also when a test fails.
#   scripts/e2e.sh [test-name-filter]
#   E2E_SCRIPT=e2e/bench.mjs scripts/e2e.sh     (the browser benchmark, `make bench`)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/dist"
if [ ! -f "$DIST/index.html" ]; then
  echo "error: $DIST/index.html is missing; build first (make dist)" >&2
  exit 1
fi

LOG="$(mktemp -t kubeplay-http.XXXXXX)"
# Port 0: the OS picks a free port; http.server prints which one.
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$DIST" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT

PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$LOG" | head -n1)"
  [ -n "$PORT" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "error: the HTTP server exited:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$PORT" ]; then
  echo "error: the HTTP server did not report its port" >&2
  exit 1
fi

echo "    serving dist/ on http://127.0.0.1:$PORT/ (server PID $SERVER_PID)"
BASE_URL="http://127.0.0.1:$PORT/" node "${E2E_SCRIPT:-$ROOT/e2e/run.mjs}" "$@"
