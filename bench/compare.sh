#!/usr/bin/env bash
# Runs scenarios against two builds of the service in alternation, in one run, for a before/after:
#   bench/compare.sh BEFORE_LABEL BEFORE.jar AFTER_LABEL AFTER.jar [scenario ...]
# (default scenarios: short-streams slow-streams slow-readers). Each scenario runs with the before
# jar, then with the after jar, with the same upstream, load generator and JVM options; results go
# to bench/results/compare/<scenario>-<label>.json and a summary is printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
(( $# >= 4 )) || die "usage: bench/compare.sh BEFORE_LABEL BEFORE.jar AFTER_LABEL AFTER.jar [scenario ...]"
before_label="$1" before_jar="$2" after_label="$3" after_jar="$4"
shift 4
scenarios=("$@")
(( ${#scenarios[@]} > 0 )) || scenarios=(short-streams slow-streams slow-readers)
[[ -f "$before_jar" && -f "$after_jar" ]] || die "both jars must exist"
mkdir -p "$RESULTS_DIR/compare"

build_all
for s in "${scenarios[@]}"; do
  for side in before after; do
    label="${side}_label" jar="${side}_jar"
    log "=== scenario $s with ${!label} (${!jar})"
    BENCH_SKIP_BUILD=1 BENCH_SERVICE_JAR="${!jar}" BENCH_SERVICE_LABEL="${!label}" \
      BENCH_RESULT_NAME="compare/$s-${!label}" "$BENCH_DIR/run.sh" "$s"
  done
done

echo
echo "== summary (bench/results/compare/)"
for s in "${scenarios[@]}"; do
  for l in "$before_label" "$after_label"; do
    jq -r --arg l "$l" '"\(.scenario) \($l): " + (.figures | to_entries | map("\(.key)=\(.value)") | join(", "))' \
      "$RESULTS_DIR/compare/$s-$l.json"
  done
done
