#!/usr/bin/env bash
# HTTP/1.1 against HTTP/2 (h2c) from the workers' side of an upstream connection: PROTO_STREAMS
# streams held open at once against the bench upstream, each read to its end, again and again for
# PROTO_DURATION_S, with the worker client's settings; in alternation, PROTO_PAIRS times. Then one
# paused stream of each protocol, to see that a stream out of credit still holds the upstream back.
#   bench/upstream-protocols.sh
# Results: bench/results/upstream-protocols.json. Variables: PROTO_STREAMS (1000),
# PROTO_DURATION_S (20), PROTO_PAIRS (2); BENCH_SKIP_BUILD=1 reuses the jars.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export BENCH_SCENARIO=upstream-protocols
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
streams="${PROTO_STREAMS:-1000}" duration="${PROTO_DURATION_S:-20}" pairs="${PROTO_PAIRS:-2}"
result="$RESULTS_DIR/${BENCH_RESULT_NAME:-upstream-protocols}.json"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
git_rev=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
url="http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions"

protocols() { # ARGS...: one run of the client, its JSON line, with the upstream's CPU beside it
  local up0 up1 line
  up0=$(cpu_ticks "$UPSTREAM_PID")
  # shellcheck disable=SC2086
  line=$(java $SERVICE_JAVA_OPTS -jar "$BENCH_JAR" upstream-protocols --url "$url" "$@")
  up1=$(cpu_ticks "$UPSTREAM_PID")
  printf '%s\n' "$line" | jq -c --argjson up "$(ticks_to_s $((up1 - up0)))" '. + {upstream_cpu_s: $up}'
}

paused_for_drain() { { grep -o 'paused-for-drain [0-9]*' "$LOG_DIR/upstream.log" || true; } | tail -1 | awk '{ print $2 }'; }

build_all
start_upstream 40 10 5 --stats-every-s 1
runs=()
for i in $(seq 1 "$pairs"); do
  for protocol in 1.1 2; do
    log "run $protocol-$i: $streams streams for $duration s"
    runs+=("$(protocols --protocol "$protocol" --streams "$streams" --duration "$duration")")
    wait_quiet
  done
done
stop_pid "$UPSTREAM_PID"

# Backpressure: large pieces (16 KB each, 640 KB a stream, more than loopback's socket buffers), one stream paused 3 s; the upstream's
# writes to it must wait for drain (its paused-for-drain counter moves).
start_upstream 40 10 5 --stats-every-s 1 --delta-bytes 16384
paused=()
for protocol in 1.1 2; do
  sleep 1.2
  before=$(paused_for_drain); before=${before:-0}
  protocols --protocol "$protocol" --streams 1 --duration 1 --pause-one-ms 3000 >/dev/null
  sleep 1.2
  after=$(paused_for_drain); after=${after:-0}
  paused+=("$(jq -n -c --arg p "$protocol" --argjson n "$((after - before))" '{protocol: $p, upstream_waits_for_drain: $n}')")
done

jq -n --argjson machine "$(machine_json)" --arg at "$started_at" --arg rev "$git_rev" \
  --arg cmd "$(env | grep -E '^PROTO_' | sort | tr '\n' ' ')bench/upstream-protocols.sh" \
  --argjson runs "$(printf '%s\n' "${runs[@]}" | jq -s .)" \
  --argjson paused "$(printf '%s\n' "${paused[@]}" | jq -s .)" \
  '{scenario: "upstream-protocols", started_at: $at, git: $rev, command: $cmd, machine: $machine,
    runs: $runs, backpressure: $paused}' >"$result"
log "wrote ${result#"$ROOT_DIR"/}"
jq -r '.runs[] | "HTTP/\(.protocol): \(.completed) streams, \(.chunks) reads, \(.cpu_us_per_chunk | . * 100 | round / 100) us CPU per read, \(.max_sockets) sockets, heap \(.heap_after_gc_mb | round) MB, upstream CPU \(.upstream_cpu_s) s"' "$result" >&2
jq -r '.backpressure[] | "HTTP/\(.protocol) paused stream: the upstream waited for drain \(.upstream_waits_for_drain) times"' "$result" >&2
