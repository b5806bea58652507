#!/usr/bin/env bash
# `make bench`: runs the native criterion benchmarks (benches/cluster.rs, benches/net.rs)
# and prints one table with the targets from issue 8, plus the gzip bundle size of dist/.
# Browser figures (first render, frame intervals, apply-to-render, memory) are not
# measured yet: e2e/bench.mjs is still to be written.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG="$(mktemp -t kubeplay-bench.XXXXXX)"
trap 'rm -f "$LOG"' EXIT
cargo bench --bench cluster --bench net 2>&1 | tee "$LOG"

# criterion: "NAME\n   time:   [lo unit mid unit hi unit]" (or NAME and time: on one line)
crit() {
  awk -v want="$1" '
    /time:/ {
      line = $0; name = prev
      i = index(line, "time:")
      if (i > 1 && substr(line, 1, i - 1) ~ /[^ ]/) { name = substr(line, 1, i - 1) }
      gsub(/^ +| +$/, "", name)
      if (index(name, want) > 0) {
        s = substr(line, i); sub(/.*\[/, "", s); split(s, f, " "); print f[3] " " f[4]; exit
      }
    }
    { if ($0 ~ /[^ ]/ && $0 !~ /time:|change:|thrpt:|Found|outlier|Warming|Collecting|Analyzing|Benchmarking/) prev = $0 }
  ' "$LOG"
}
line() { printf '  %-52s %16s   %s\n' "$1" "$2" "$3"; }

echo
echo "kubeplay benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores)"
line "measure" "figure" "target"
line "settle: apply 100 Deployments x 10 + 100 Services" "$(crit 'and settle' || true)" "< 50 ms"
line "idle tick (1 s) on the settled 1,000-pod cluster" "$(crit 'idle tick' || true)" "< 0.5 ms"
line "kill 100 pods and settle" "$(crit 'kill 100 pods' || true)" "-"
line "1,000,000 connections (100 endpoints)" \
  "$(sed -n 's/^1,000,000 connections[^:]*: \([^,]*\),.*/\1/p' "$LOG" | head -1)" "< 1 s"
line "1,000,000 DNS lookups" "$(sed -n 's/^1,000,000 DNS lookups: \([^,]*\),.*/\1/p' "$LOG" | head -1)" "< 1 s"
if ls dist/*.wasm >/dev/null 2>&1; then
  gz=0
  for f in dist/*.wasm dist/*.js dist/*.css; do
    [ -f "$f" ] && gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
  done
  line "bundle: gzip -9 of dist/ wasm + js + css" "$(awk -v b="$gz" 'BEGIN{printf "%.1f KB", b/1024}')" "<= 450 KB"
else
  line "bundle: gzip -9 of dist/ wasm + js + css" "(no dist/: make dist)" "<= 450 KB"
fi
line "browser: first render, frame p50/p95, apply-to-render, memory" "not measured" "(e2e/bench.mjs: TODO)"
