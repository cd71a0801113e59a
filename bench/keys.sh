#!/usr/bin/env bash
# What caller keys and their limits cost: 1,000 callers spread over 100 keys (each key with all
# three limits, set high enough that none refuses) against the same load with caller authentication
# off, in one run, on the same upstream:
#   bench/keys.sh
# Each side runs on a fresh service JVM, warmed first (not measured), then KEYS_PAIRS measured runs
# taken in alternation (open, keys, open, keys, ...: a shared machine drifts over minutes). Reports
# the service's CPU per request and the callers' time-to-first-byte p99 on each side, and what the
# keys add. Results: bench/results/keys.json. Variables: KEYS_CALLERS (1000), KEYS_COUNT (100),
# KEYS_DURATION_S (20), KEYS_WARMUP_S (5), KEYS_WARM_S (30), KEYS_PAIRS (2); BENCH_SKIP_BUILD=1 reuses
# the jars. A smoke of the script: KEYS_CALLERS=50 KEYS_DURATION_S=3 KEYS_WARM_S=2 KEYS_PAIRS=1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export BENCH_SCENARIO=keys
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
command -v sha256sum >/dev/null || die "sha256sum is needed (coreutils)"

callers="${KEYS_CALLERS:-1000}" count="${KEYS_COUNT:-100}" duration="${KEYS_DURATION_S:-20}"
warmup="${KEYS_WARMUP_S:-5}" warm="${KEYS_WARM_S:-30}" pairs="${KEYS_PAIRS:-2}"
result="$RESULTS_DIR/${BENCH_RESULT_NAME:-keys}.json"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
git_rev=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"

# The keys bench-key-0 .. bench-key-(N-1), as the load generator's --keys sends them, hashed as the
# keys file holds them; limits far above what the run reaches, so every request goes through all three.
keys_file="$LOG_DIR/keys.yaml"
{
  echo "keys:"
  for i in $(seq 0 $((count - 1))); do
    printf '  - name: bench-%s\n    sha256: %s\n    requestsPerMinute: 100000000\n    concurrentStreams: 100000\n    tokensPerDay: 1000000000000\n' \
      "$i" "$(printf 'bench-key-%s' "$i" | sha256sum | cut -d' ' -f1)"
  done
} >"$keys_file"

build_all
start_upstream 40 10 5

# side_env SIDE: the service's environment for that side.
side_env() {
  if [[ $1 == keys ]]; then
    echo "CALLER_KEYS_FILE=$keys_file USAGE_LOG_FILE=$LOG_DIR/usage-keys.jsonl"
  else
    echo "CALLER_AUTH=none USAGE_LOG_FILE=$LOG_DIR/usage-open.jsonl"
  fi
}
side_args() { [[ $1 == keys ]] && echo "--keys $count" || true; }

runs=()
for i in $(seq 1 "$pairs"); do
  for side in open keys; do
    # shellcheck disable=SC2046
    start_service $(side_env "$side")
    log "warming the $side service up: $warm s at $callers callers (not measured)"
    # shellcheck disable=SC2046
    run_load "warm-$side-$i" --url "$url" --concurrency "$callers" --duration "$warm" $(side_args "$side") \
      --quiet >/dev/null
    wait_quiet
    log "run $side-$i: $duration s ($warmup s warm-up) at $callers callers"
    # shellcheck disable=SC2046
    line=$(run_load "$side-$i" --url "$url" --accept text/plain --concurrency "$callers" \
      --duration "$duration" --warmup "$warmup" $(side_args "$side") --fail-on-error --min-completed 1)
    runs+=("$line")
    stop_pid "$SERVICE_PID"
  done
done

printf '%s\n' "${runs[@]}" | jq -s --argjson n "$pairs" --argjson c "$callers" --argjson k "$count" \
  --argjson d "$duration" --argjson w "$warmup" --argjson machine "$(machine_json)" --arg at "$started_at" \
  --arg rev "$git_rev" --arg sopts "$SERVICE_JAVA_OPTS" '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def r3: . * 1000 | round / 1000;
  (map({key: .label, value: .}) | from_entries) as $r
  # the service CPU of a run over the whole run, per completed request, in ms
  | def cpu_ms($s; $i): $r["\($s)-\($i)"] | (.service_cpu_s * 1000 / .completed);
    def p99($s; $i): $r["\($s)-\($i)"].ttfb_ms.p99;
    def rate($s; $i): $r["\($s)-\($i)"].streams_per_s;
    [range(1; $n + 1)] as $pairs
  | {scenario: "keys", started_at: $at, git: $rev, command: "bench/keys.sh", machine: $machine,
     service_java_opts: $sopts, callers: $c, keys: $k, duration_s: $d, warmup_s: $w, pairs: $n, runs: .,
     figures: {
       cpu_ms_per_request_open: ($pairs | map(cpu_ms("open"; .)) | median | r3),
       cpu_ms_per_request_keys: ($pairs | map(cpu_ms("keys"; .)) | median | r3),
       cpu_per_request_added_pct: ($pairs | map((cpu_ms("keys"; .) / cpu_ms("open"; .) - 1) * 100) | median | r3),
       throughput_ratio: ($pairs | map(rate("keys"; .) / rate("open"; .)) | median | r3),
       ttfb_p99_ms_open: ($pairs | map(p99("open"; .)) | median | r3),
       ttfb_p99_ms_keys: ($pairs | map(p99("keys"; .)) | median | r3),
       ttfb_p99_added_ms: ($pairs | map(p99("keys"; .) - p99("open"; .)) | median | r3)}}' >"$result"
log "wrote ${result#"$ROOT_DIR"/}"
jq -c .figures "$result"
