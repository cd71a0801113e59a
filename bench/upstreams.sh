#!/usr/bin/env bash
# Many upstreams: two upstreams, each rate-limited to half the load, against one unlimited upstream,
# in one run, on the same load (a fixed number of requests from a fixed number of callers):
#   bench/upstreams.sh
#   1. one      - one upstream, no limit: the reference, and the request rate R the load reaches;
#   2. two-half - two upstreams, each playing OpenAI's rate limit at half of R per window
#                 (x-ratelimit-* headers on every answer, a 429 beyond it), weights 1:1;
#   3. one-half - one upstream at half of R: what the second upstream saves.
# Each run on a fresh service JVM, warmed first (not measured). Reports completed requests, errors
# by kind, time to first byte, the load's total time, the 429s the upstreams answered and the
# service's waits for an upstream. Results: bench/results/upstreams.json. Variables:
# UPSTREAMS_CALLERS (200), UPSTREAMS_REQUESTS (6000), UPSTREAMS_WINDOW_MS (1000), UPSTREAMS_WARM_S (20);
# BENCH_SKIP_BUILD=1 reuses the jars. A smoke: UPSTREAMS_CALLERS=20 UPSTREAMS_REQUESTS=200 UPSTREAMS_WARM_S=2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export BENCH_SCENARIO=upstreams
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"

callers="${UPSTREAMS_CALLERS:-200}" requests="${UPSTREAMS_REQUESTS:-6000}" window_ms="${UPSTREAMS_WINDOW_MS:-1000}"
warm="${UPSTREAMS_WARM_S:-20}"
result="$RESULTS_DIR/${BENCH_RESULT_NAME:-upstreams}.json"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
git_rev=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"
second_port=$((UPSTREAM_PORT + 10))

# limited_upstream NAME PORT LIMIT: a bench upstream (40 chunks 10 ms apart, first token 5 ms);
# LIMIT requests per window, 0 for none. Prints its pid.
limited_upstream() {
  local out="$LOG_DIR/upstream-$1.log" extra=()
  port_free "$2" || die "port $2 is in use"
  [[ "$3" -gt 0 ]] && extra=(--rate-limit-requests "$3" --rate-limit-window-ms "$window_ms")
  # shellcheck disable=SC2086
  java $UPSTREAM_JAVA_OPTS -jar "$BENCH_JAR" upstream --host 127.0.0.1 --port "$2" --chunks 40 \
    --chunk-interval-ms 10 --first-token-delay-ms 5 --stats-every-s 1 "${extra[@]}" >"$out" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  wait_ready "$out" "$pid" "upstream $1" >&2
  echo "$pid"
}

# conf_for PORT...: a configuration with one upstream per port, weights 1:1.
conf_for() {
  local conf="$LOG_DIR/upstreams-$#.yaml" i=0 port
  { echo "openai:"; echo "  upstreams:"
    for port in "$@"; do
      printf '    - name: bench-%s\n      baseUrl: http://127.0.0.1:%s/v1\n      apiKeyEnv: OPENAI_API_KEY\n      weight: 1\n' "$i" "$port"
      i=$((i + 1))
    done
  } >"$conf"
  echo "$conf"
}

# rate_limited LOG: the 429s an upstream answered, from its last stats line.
rate_limited() { { grep -o 'rate-limited [0-9]*' "$1" || true; } | tail -1 | awk '{ print ($2 == "" ? 0 : $2) }'; }

# one_run LABEL LIMIT PORT...: the load through the service in front of those upstreams.
one_run() {
  local label="$1" limit="$2"; shift 2
  local pids=() port
  for port in "$@"; do pids+=("$(limited_upstream "$label-$port" "$port" "$limit")"); done
  SERVICE_ARGS="--conf $(conf_for "$@")" start_service
  log "warming the service up: $warm s at $callers callers (not measured)"
  run_load "warm-$label" --url "$url" --concurrency "$callers" --duration "$warm" --quiet >/dev/null
  wait_quiet
  local before=() i=0
  for port in "$@"; do before+=("$(rate_limited "$LOG_DIR/upstream-$label-$port.log")"); done
  local waits_before
  waits_before=$(metric 'campaign_upstream_queue_wait_seconds_count{outcome="served"}')
  log "run $label: $requests requests at $callers callers, $# upstream(s), limit ${limit:-0} per $window_ms ms each"
  local started line ended
  started=$(date +%s.%N)
  line=$(run_load "$label" --url "$url" --concurrency "$callers" --requests "$requests" --request-timeout-ms 60000)
  ended=$(date +%s.%N)
  sleep 1.2   # the upstreams' stats are printed each second
  local refused=0 r
  for port in "$@"; do
    r=$(rate_limited "$LOG_DIR/upstream-$label-$port.log"); refused=$((refused + r - before[i])); i=$((i + 1))
  done
  local waits
  waits=$(awk -v a="$(metric 'campaign_upstream_queue_wait_seconds_count{outcome="served"}')" -v b="$waits_before" 'BEGIN { printf "%d", a - b }')
  stop_pid "$SERVICE_PID"
  for port in "${pids[@]}"; do stop_pid "$port"; done
  printf '%s\n' "$line" | jq -c --arg name "$label" --argjson upstreams "$#" --argjson limit "$limit" \
    --argjson refused "$refused" --argjson waits "$waits" \
    --argjson seconds "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }')" \
    '{"label": $name, upstreams: $upstreams, limit_per_window: $limit, load_seconds: $seconds,
      completed, errors_total, errors, streams_per_s, ttfb_ms, total_ms,
      upstream_429s: $refused, waits_served: $waits, service_cpu_s}'
}

build_all
runs=()
runs+=("$(one_run one 0 "$UPSTREAM_PORT")")
rate=$(printf '%s' "${runs[0]}" | jq '.completed / .load_seconds')
half=$(awk -v r="$rate" -v w="$window_ms" 'BEGIN { h = r * w / 1000 / 2; printf "%d", (h < 1 ? 1 : h + 0.999) }')
log "the unlimited upstream served $rate requests/s: each limited upstream allows $half per $window_ms ms"
runs+=("$(one_run two-half "$half" "$UPSTREAM_PORT" "$second_port")")
runs+=("$(one_run one-half "$half" "$UPSTREAM_PORT")")

jq -n --argjson machine "$(machine_json)" --arg at "$started_at" --arg rev "$git_rev" \
  --arg cmd "$(env | grep -E '^UPSTREAMS_' | sort | tr '\n' ' ')bench/upstreams.sh" \
  --argjson callers "$callers" --argjson requests "$requests" --argjson window "$window_ms" \
  --argjson rate "$rate" --argjson half "$half" \
  --argjson runs "$(printf '%s\n' "${runs[@]}" | jq -s .)" \
  '{scenario: "upstreams", started_at: $at, git: $rev, command: $cmd, machine: $machine,
    callers: $callers, requests: $requests, window_ms: $window, unlimited_rate_per_s: $rate,
    limit_per_upstream_per_window: $half, runs: $runs}' >"$result"
log "wrote ${result#"$ROOT_DIR"/}"
jq -r '.runs[] | "\(.label): \(.completed) completed, \(.errors_total) errors \(.errors), ttfb p99 \(.ttfb_ms.p99) ms, \(.load_seconds) s, upstream 429s \(.upstream_429s), waits \(.waits_served)"' "$result" >&2
