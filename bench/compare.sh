#!/usr/bin/env bash
# Runs scenarios against several builds of the service in turn, in one run, for a before/after:
#   bench/compare.sh LABEL JAR [LABEL JAR ...] [-- scenario ...]
# (default scenarios: short-streams slow-streams slow-readers). Each scenario runs once per build, in
# the order given, with the same upstream settings, load generator and JVM options; results go to
# bench/results/compare/<scenario>-<label>.json and a summary is printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
labels=() jars=()
while (( $# >= 2 )) && [[ "$1" != "--" ]]; do
  [[ -f "$2" ]] || die "no jar at $2"
  labels+=("$1"); jars+=("$2"); shift 2
done
[[ "${1:-}" == "--" ]] && shift
(( ${#labels[@]} >= 2 )) || die "usage: bench/compare.sh LABEL JAR LABEL JAR [...] [-- scenario ...]"
scenarios=("$@")
(( ${#scenarios[@]} > 0 )) || scenarios=(short-streams slow-streams slow-readers)
mkdir -p "$RESULTS_DIR/compare"

BENCH_SKIP_BUILD=0 build_all
for s in "${scenarios[@]}"; do
  for i in "${!labels[@]}"; do
    log "=== scenario $s with ${labels[$i]} (${jars[$i]})"
    BENCH_SKIP_BUILD=1 BENCH_SERVICE_JAR="${jars[$i]}" BENCH_SERVICE_LABEL="${labels[$i]}" \
      BENCH_RESULT_NAME="compare/$s-${labels[$i]}" "$BENCH_DIR/run.sh" "$s"
  done
done

echo
echo "== summary (bench/results/compare/)"
for s in "${scenarios[@]}"; do
  for l in "${labels[@]}"; do
    jq -r --arg l "$l" '"\(.scenario) \($l): " + (.figures | tostring)' "$RESULTS_DIR/compare/$s-$l.json"
  done
done
