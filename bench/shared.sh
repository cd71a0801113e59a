#!/usr/bin/env bash
# One stream per campaign across a cluster: two HTTP nodes and two workers (real jar processes,
# clustered with Hazelcast on loopback) in front of the bench upstream, in three runs:
#   spread      SHARED_CALLERS callers on SHARED_BRANDS brands, half on each HTTP node, all at once:
#               the upstream calls made (one per brand is the goal), the cache results callers saw;
#   same-node   one caller per brand on the first node (each brand's owner), then SHARED_FOLLOW_AFTER_S
#               (1.5 s) later, mid-stream, the others on the same node: the baseline of following locally;
#   other-node  the same, with the others on the second node, which follows the first node's streams.
# A spread run first warms every node up, and is not reported.
# For same-node and other-node: the HTTP nodes' CPU per chunk written to callers, and the callers'
# time to first byte (p50, p99). Completed campaigns expire at once (CACHE_TTL_MS=1), so each run
# shares streams in flight rather than replaying the cache.
#   bench/shared.sh
# Variables: SHARED_CALLERS (1000), SHARED_BRANDS (10), SHARED_CHUNKS (200), SHARED_INTERVAL_MS (20),
# SHARED_FIRST_TOKEN_MS (300), SHARED_QUIET_WAIT_S (30),
# SHARED_FOLLOW_AFTER_S (1.5); BENCH_SKIP_BUILD=1 reuses the jars. Results: bench/results/shared.json.
# A smoke of the script: SHARED_CALLERS=40 SHARED_BRANDS=4 SHARED_CHUNKS=20.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export BENCH_SCENARIO=shared
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
command -v curl >/dev/null || die "curl is needed"

callers="${SHARED_CALLERS:-1000}" brands="${SHARED_BRANDS:-10}"
chunks="${SHARED_CHUNKS:-200}" interval="${SHARED_INTERVAL_MS:-20}" first="${SHARED_FIRST_TOKEN_MS:-300}"
result="$RESULTS_DIR/${BENCH_RESULT_NAME:-shared}.json"
cluster="bench-shared-$$"
hz_port=$((SERVICE_PORT + 100))
members="127.0.0.1:$hz_port,127.0.0.1:$((hz_port + 1)),127.0.0.1:$((hz_port + 2)),127.0.0.1:$((hz_port + 3))"
h1_port=$SERVICE_PORT h2_port=$((SERVICE_PORT + 10)) w1_port=$((SERVICE_PORT + 11)) w2_port=$((SERVICE_PORT + 12))

build_all
start_upstream "$chunks" "$interval" "$first"

# start_node NAME ROLE HTTP_PORT HAZELCAST_PORT: a clustered node; prints its pid.
start_node() {
  local name="$1" role="$2" port="$3" hz="$4"
  port_free "$port" || die "port $port is in use (set BENCH_SERVICE_PORT)"
  # shellcheck disable=SC2086
  env OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" OPENAI_API_KEY=bench-not-a-key \
    NODE_NAME="$name" CLUSTER_NAME="$cluster" CLUSTER_PORT="$hz" CLUSTER_MEMBERS="$members" \
    HTTP_HOST=127.0.0.1 HTTP_PORT="$port" HTTP_DRAIN_TIMEOUT_MS=1000 CALLER_AUTH=none \
    CACHE_ENABLED=true CACHE_TTL_MS=1 USAGE_LOG_FILE="$LOG_DIR/usage-$name.jsonl" \
    java $SERVICE_JAVA_OPTS -jar "$SERVICE_JAR" --cluster --role "$role" >"$LOG_DIR/node-$name.log" 2>&1 &
  echo $!
}

ready() {
  local port="$1" i
  for i in $(seq 1 600); do
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" && return 0
    sleep 0.2
  done
  die "node on port $port not ready after 120 s"
}

w1=$(start_node w1 worker "$w1_port" "$hz_port"); BENCH_PIDS+=("$w1")
w2=$(start_node w2 worker "$w2_port" $((hz_port + 1))); BENCH_PIDS+=("$w2")
h1=$(start_node h1 http "$h1_port" $((hz_port + 2))); BENCH_PIDS+=("$h1")
h2=$(start_node h2 http "$h2_port" $((hz_port + 3))); BENCH_PIDS+=("$h2")
for port in "$w1_port" "$w2_port" "$h1_port" "$h2_port"; do ready "$port"; done
log "cluster ready: h1 :$h1_port, h2 :$h2_port, workers :$w1_port, :$w2_port"

# node_metric PORT METRIC: one sample of a node's /metrics (0 when absent).
node_metric() {
  curl -fs --max-time 5 "http://127.0.0.1:$1/metrics" 2>/dev/null \
    | awk -v m="$2" 'index($0, m " ") == 1 { print $2; found=1 } END { if (!found) print 0 }'
}
upstream_calls() {
  awk -v a="$(node_metric "$w1_port" 'campaign_upstream_responses_total{status="200"}')" \
      -v b="$(node_metric "$w2_port" 'campaign_upstream_responses_total{status="200"}')" 'BEGIN { printf "%d", a + b }'
}
chunks_written() { node_metric "$1" campaign_chunks_total; }

# load LABEL PORT CALLERS: every caller asks once, all at once, over the brands; prints its JSON line.
load() {
  java $LOAD_JAVA_OPTS -jar "$BENCH_JAR" load --label "$1" --url "http://127.0.0.1:$2/campaign?prompt=x" \
    --concurrency "$3" --requests "$3" --brands "$brands" --request-timeout-ms 120000 --quiet \
    2>"$LOG_DIR/load-$1.err"
}

# measure NAME: runs the scenario function NAME, reporting upstream calls, CPU per chunk and the loads' lines.
measure() {
  local name="$1" calls0 c1a c2a t1a t2a
  wait_quiet "${SHARED_QUIET_WAIT_S:-30}"
  calls0=$(upstream_calls); c1a=$(chunks_written "$h1_port"); c2a=$(chunks_written "$h2_port")
  t1a=$(cpu_ticks "$h1"); t2a=$(cpu_ticks "$h2")
  local lines; lines=$("run_$name")
  local calls1 c1b c2b t1b t2b
  calls1=$(upstream_calls); c1b=$(chunks_written "$h1_port"); c2b=$(chunks_written "$h2_port")
  t1b=$(cpu_ticks "$h1"); t2b=$(cpu_ticks "$h2")
  jq -n --arg name "$name" --argjson calls $((calls1 - calls0)) \
    --argjson h1_chunks "$(awk -v a="$c1a" -v b="$c1b" 'BEGIN { printf "%d", b - a }')" \
    --argjson h2_chunks "$(awk -v a="$c2a" -v b="$c2b" 'BEGIN { printf "%d", b - a }')" \
    --argjson h1_cpu_s "$(ticks_to_s $((t1b - t1a)))" --argjson h2_cpu_s "$(ticks_to_s $((t2b - t2a)))" \
    --argjson loads "$(jq -s . <<<"$lines")" "$JQ_DEFS"'
      {name: $name, upstream_calls: $calls, h1_chunks: $h1_chunks, h2_chunks: $h2_chunks,
       h1_cpu_s: $h1_cpu_s, h2_cpu_s: $h2_cpu_s,
       cpu_us_per_chunk: (if ($h1_chunks + $h2_chunks) > 0
         then (($h1_cpu_s + $h2_cpu_s) * 1e6 / ($h1_chunks + $h2_chunks) | r2) else null end),
       loads: [$loads[] | {label: .label, completed: .completed, errors_total: .errors_total, cache_results: .cache_results, ttfb_ms: .ttfb_ms, total_ms: .total_ms}]}'
}

run_spread() {
  local half=$((callers / 2))
  load spread-h1 "$h1_port" "$half" & local a=$!
  load spread-h2 "$h2_port" $((callers - half)) & local b=$!
  wait "$a"; wait "$b"
}
# owners_then_followers PORT: one caller per brand on h1 claims each brand's stream; once their
# load generator is up and their first text written, the others follow it from the node on PORT.
owners_then_followers() {
  load owners-h1 "$h1_port" "$brands" & local a=$!
  sleep "${SHARED_FOLLOW_AFTER_S:-1.5}"
  load "followers-$2" "$1" $((callers - brands))
  wait "$a"
}
run_same_node() { owners_then_followers "$h1_port" h1; }
run_other_node() { owners_then_followers "$h2_port" h2; }

started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
git_rev=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
log "warm-up (not reported): the spread run once, for the JIT of every node"
measure spread >/dev/null
log "spread: $callers callers on $brands brands over both HTTP nodes"
spread=$(measure spread)
log "same-node: $callers callers on h1"
same=$(measure same_node)
log "other-node: $brands owners on h1, $((callers - brands)) followers on h2"
other=$(measure other_node)
jq -n --arg at "$started_at" --arg rev "$git_rev" --argjson callers "$callers" --argjson brands "$brands" \
  --argjson chunks "$chunks" --argjson interval "$interval" --argjson first "$first" \
  --argjson spread "$spread" --argjson same "$same" --argjson other "$other" --argjson machine "$(machine_json)" \
  '{scenario: "shared", started_at: $at, git: $rev, callers: $callers, brands: $brands,
    upstream: {chunks: $chunks, chunk_interval_ms: $interval, first_token_ms: $first},
    runs: [$spread, $same, $other], machine: $machine}' >"$result"
log "results: $result"
jq -c '.runs[] | {name, upstream_calls, cpu_us_per_chunk, ttfb_p50: [.loads[].ttfb_ms.p50], ttfb_p99: [.loads[].ttfb_ms.p99]}' "$result" >&2
