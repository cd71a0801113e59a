#!/usr/bin/env bash
# Runs every scenario in turn (one build first) and prints a summary of bench/results/*.json.
# About 25 minutes on a 2-core machine with the default durations.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"

build_all
failed=()
for s in short-streams slow-streams slow-readers clustered cache tracing; do
  log "=== scenario $s"
  BENCH_SKIP_BUILD=1 "$BENCH_DIR/run.sh" "$s" || failed+=("$s")
done

echo
echo "== summary (bench/results/)"
for s in short-streams slow-streams slow-readers clustered cache tracing; do
  f="$RESULTS_DIR/$s.json"
  [[ -f "$f" ]] || { echo "$s: no result"; continue; }
  jq -r '
    if .skipped then "\(.scenario): skipped: \(.skipped)"
    else "\(.scenario) (\(.started_at)): " + (.figures | to_entries | map("\(.key)=\(.value)") | join(", "))
         + "\n    targets: " + (.targets | to_entries | map(select(.key | test("met$"))) | map("\(.key)=\(.value)") | join(", "))
    end' "$f"
done
if (( ${#failed[@]} > 0 )); then
  echo "scenarios that failed to run: ${failed[*]}"
  exit 1
fi
