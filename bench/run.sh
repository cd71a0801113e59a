#!/usr/bin/env bash
# Runs one benchmark scenario and writes bench/results/<scenario>.json.
#   bench/run.sh short-streams | slow-streams | slow-readers | clustered | cache | tracing | first-text
# Needs java 17, maven, jq and curl. Durations can be shortened with the variables below
# (the results record what was used). Set BENCH_SKIP_BUILD=1 to reuse the jars already built.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scenario="${1:-}"
export BENCH_SCENARIO="$scenario"
[[ -n "$scenario" ]] || die "usage: bench/run.sh short-streams|slow-streams|slow-readers|clustered|cache|tracing|first-text"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
result="$RESULTS_DIR/${BENCH_RESULT_NAME:-$scenario}.json"
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
git_rev=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
# The command as run, with the variables that change a scenario's size.
overrides=$(env | grep -E '^(SHORT_|SLOW_|FIRST_|READERS|CLUSTER_|CACHE_(CALLERS|BRANDS|RAMP_MS)=|TRACE_|SERVICE_JAVA_OPTS=|WORKER_JAVA_OPTS=|PROXY_KIND=)' | sort | tr '\n' ' ' || true)

write_result() { # JSON body -> result file, with the common header
  jq --argjson machine "$(machine_json)" --arg at "$started_at" --arg rev "$git_rev" \
     --arg cmd "${overrides}bench/run.sh $scenario" --arg sopts "$SERVICE_JAVA_OPTS" \
     --arg jar "${BENCH_SERVICE_LABEL:-$git_rev}" \
     '{scenario: .scenario, started_at: $at, git: $rev, service: $jar, command: $cmd, machine: $machine,
       service_java_opts: $sopts} + .' >"$result"
  log "wrote ${result#"$ROOT_DIR"/}"   # relative: the run logs are kept with the results
}

# ------------------------------------------------------------------------------------------------
# 1. Short streams through the service vs. directly against the upstream, at 100 and 1,000 callers.
short_streams() {
  local duration="${SHORT_DURATION_S:-20}" warmup="${SHORT_WARMUP_S:-5}"
  local chunks=40 interval=10 first=5
  start_upstream "$chunks" "$interval" "$first"
  start_service
  start_proxy
  start_nginx
  # The JIT compiler of a fresh service JVM is busy for about 20 s of load at 1,000 callers (C2
  # takes a core's worth of CPU meanwhile): warm both paths at that load first, not measured.
  log "warming up both (not measured)"
  run_load warm-direct --mode direct --url "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" \
    --concurrency 1000 --duration "${SHORT_WARM_DIRECT_S:-10}" --quiet >/dev/null
  run_load warm-service --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency 1000 --duration "${SHORT_WARM_SERVICE_S:-30}" --quiet >/dev/null
  run_load warm-proxy --mode direct --url "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" \
    --concurrency 1000 --duration "${SHORT_WARM_PROXY_S:-20}" --quiet >/dev/null
  run_load warm-nginx --mode direct --url "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" \
    --concurrency 1000 --duration "${SHORT_WARM_NGINX_S:-5}" --quiet >/dev/null
  # Then at the first measured load, which recompiles what the branch profiles of 1,000 callers
  # shaped differently: 4 s of C2 time inside the 100-caller run without it, 1 to 2 s after 15 s of
  # it, 0.2 s after 40 s.
  run_load warm-service-c100 --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency 100 --duration "${SHORT_WARM_C100_S:-40}" --quiet >/dev/null
  # The last run reads the service's /metrics at the start and the end of its window. The first
  # scrapes of a JVM run interpreted for tens of ms each and took the p99 of a 100-caller run from
  # about 20 to 100 ms; a deployed node is scraped every few seconds from its start, so warm that path.
  local s
  for s in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$SERVICE_PORT/metrics"
  done
  # Direct and through the service in alternation, SHORT_PAIRS times at each load: the ratio of one
  # pair varies by up to 15 % (mostly the direct runs), so the figures are the medians of the pairs.
  # The references (the pass-through Vert.x proxy and nginx) run once per load, in the first pair.
  local runs=() c i mode modes label line port pairs="${SHORT_PAIRS:-3}"
  for c in 100 1000; do
    for i in $(seq 1 "$pairs"); do
      modes="direct service"
      (( i == 1 )) && modes="direct proxy nginx service"
      for mode in $modes; do
        label="$mode-c$c-$i"
        service_alive
        wait_quiet
        log "run $label: $duration s ($warmup s warm-up)"
        if [[ $mode != service ]]; then
          port="$UPSTREAM_PORT"
          [[ $mode == proxy ]] && port="$PROXY_PORT"
          [[ $mode == nginx ]] && port="$NGINX_PORT"
          line=$(run_load "$label" --mode direct --url "http://127.0.0.1:$port/v1/chat/completions" \
            --concurrency "$c" --duration "$duration" --warmup "$warmup")
        else
          thread_cpu_ms "$SERVICE_PID" >"$LOG_DIR/threads-before"
          line=$(run_load "$label" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
            --accept text/plain --concurrency "$c" --duration "$duration" --warmup "$warmup")
          thread_cpu_ms "$SERVICE_PID" >"$LOG_DIR/threads-after"
          line=$(jq -c --argjson t "$(thread_cpu_json "$LOG_DIR/threads-before" "$LOG_DIR/threads-after")" \
            '. + {service_threads_cpu_s: $t}' <<<"$line")
        fi
        runs+=("$line")
      done
    done
    if (( c == 100 )); then
      # Where a caller's wait goes, from the service's own first-token histogram read at the start and
      # the end of one more run at 100 callers, at the load the service is warm for. Kept out of the
      # pairs, so that nothing the harness adds can move the targets' figures.
      wait_quiet
      log "run split-c100: $duration s ($warmup s warm-up), reading the service's /metrics"
      runs+=("$(run_load split-c100 --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
        --accept text/plain --concurrency 100 --duration "$duration" --warmup "$warmup" \
        --service-metrics "http://127.0.0.1:$SERVICE_PORT/metrics")")
    fi
  done
  printf '%s\n' "${runs[@]}" | jq -s --argjson d "$duration" --argjson w "$warmup" --argjson n "$pairs" \
    --argjson ch "$chunks" --argjson iv "$interval" --argjson ft "$first" "$JQ_DEFS"'
    (map({key: .label, value: .}) | from_entries) as $r
    # per pair i at load c: the service (or the proxy) against the direct run of the same pair
    | def ratio($m; $c; $i): $r["\($m)-c\($c)-\($i)"].streams_per_s / $r["direct-c\($c)-\($i)"].streams_per_s;
      def added($m; $c; $i; $p): $r["\($m)-c\($c)-\($i)"].ttfb_ms[$p] - $r["direct-c\($c)-\($i)"].ttfb_ms[$p];
      # CPU of the relaying process over the whole run, per chunk it passed on to a caller
      def per_chunk($m; $c; $i): $r["\($m)-c\($c)-\($i)"] as $x
        | ($x[{service: "service_cpu_s", proxy: "proxy_cpu_s", nginx: "nginx_cpu_s"}[$m]] * 1e6 / ($x.completed * $ch));
      [range(1; $n + 1)] as $pairs
    | {scenario: "short-streams",
       upstream: {chunks: $ch, chunk_interval_ms: $iv, first_token_delay_ms: $ft},
       duration_s: $d, warmup_s: $w, pairs: $n, runs: .,
       figures: {
         throughput_ratio_c1000: ($pairs | map(ratio("service"; 1000; .)) | median | r3),
         throughput_ratios_c1000: ($pairs | map(ratio("service"; 1000; .) | r3)),
         ttfb_p99_added_ms_c100: ($pairs | map(added("service"; 100; .; "p99")) | median | r2),
         ttfb_p99_added_ms_c100_pairs: ($pairs | map(added("service"; 100; .; "p99") | r2)),
         ttfb_p50_added_ms_c100: ($pairs | map(added("service"; 100; .; "p50")) | median | r2),
         # one more run at 100 callers, the p99 in ms of: the service (its own histogram) from the worker
         # taking the stream to the first token of OpenAI, and from the request in to the first write;
         # the callers (the load generator); the direct runs (median of the pairs)
         split_p99_ms_c100: {
           worker_to_first_token: $r["split-c100"].service_first_token_ms.upstream.p99,
           request_to_first_write: $r["split-c100"].service_first_token_ms.caller.p99,
           caller_ttfb: $r["split-c100"].ttfb_ms.p99,
           direct_ttfb: ($pairs | map($r["direct-c100-\(.)"].ttfb_ms.p99) | median | r2)},
         throughput_ratio_c100: ($pairs | map(ratio("service"; 100; .)) | median | r3),
         ttfb_p99_added_ms_c1000: ($pairs | map(added("service"; 1000; .; "p99")) | median | r2),
         reference_proxy_throughput_ratio_c1000: (ratio("proxy"; 1000; 1) | r3),
         reference_proxy_ttfb_p99_added_ms_c100: (added("proxy"; 100; 1; "p99") | r2),
         reference_nginx_throughput_ratio_c1000: (ratio("nginx"; 1000; 1) | r3),
         reference_nginx_ttfb_p99_added_ms_c100: (added("nginx"; 100; 1; "p99") | r2),
         cpu_us_per_chunk_c1000: {service: ($pairs | map(per_chunk("service"; 1000; .)) | median | r2),
           proxy: (per_chunk("proxy"; 1000; 1) | r2), nginx: (per_chunk("nginx"; 1000; 1) | r2)},
         errors_total: (map(.errors_total) | add)},
       targets: {
         throughput_ratio_c1000_min: 0.9,
         ttfb_p99_added_ms_c100_max: 10}}
    | .targets.throughput_met = (.figures.throughput_ratio_c1000 >= 0.9)
    | .targets.ttfb_met = (.figures.ttfb_p99_added_ms_c100 <= 10)' | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value)"' "$result"
}

# ------------------------------------------------------------------------------------------------
# 2. 9,000 concurrent slow streams (1 chunk a second for 30 s): errors and resident memory. With
#    SLOW_WORKERS=node SLOW_STREAMS=18000, the HTTP node of a two-node cluster is measured instead.
slow_streams() {
  local streams="${SLOW_STREAMS:-9000}" chunks="${SLOW_CHUNKS:-30}" ramp_ms="${SLOW_RAMP_MS:-15000}"
  # SLOW_WORKERS=node: the OpenAI workers on a second node of a cluster (a second process here), the
  # measured node serving HTTP only, so that each stream holds one socket on it (its caller's).
  local workers="${SLOW_WORKERS:-here}" per_stream_max=50 worker_opts=""
  start_upstream "$chunks" 1000 50
  local caps=(HTTP_MAX_CONCURRENT_STREAMS=$((streams + 2000)) HTTP_MAX_CONNECTIONS=$((streams + 3000)))
  if [[ $workers == node ]]; then
    per_stream_max=30
    # The worker node holds every upstream call: in the 1 GiB container of the measured node,
    # 18,000 of them fill its 512 MB heap's old generation, and back-to-back full collections
    # stall its event loops past the handshake and liveness timeouts. It gets a 3 GiB container
    # instead; the target is the HTTP node's memory.
    worker_opts="${WORKER_JAVA_OPTS:--XX:MaxRAM=3g $DOCKERFILE_JAVA_OPTS}"
    WORKER_JAVA_OPTS="$worker_opts" start_worker_node "bench-$$" OPENAI_MAX_CONNECTIONS=$((streams + 1000))
    start_service "${caps[@]}" CLUSTER_ENABLED=true NODE_ROLE=http CLUSTER_NAME="bench-$$" NODE_NAME=bench-front
  else
    start_service "${caps[@]}" OPENAI_MAX_CONNECTIONS=$((streams + 1000))
  fi
  sleep 3
  local idle_cold idle samples="$LOG_DIR/slow-streams-rss.txt" line
  idle_cold=$(rss_kb "$SERVICE_PID")
  # A fresh JVM compiles its hot paths during its first tens of thousands of chunks: with the
  # workers on another node, both nodes' JIT compilers took half their CPU through the ramp on two
  # cores, and handshakes timed out behind them. A node that has served for a while is warm, so that
  # scenario warms both nodes first (SLOW_WARM_STREAMS, SLOW_WARM_S).
  local warm_streams="${SLOW_WARM_STREAMS:-200}" warm_s="${SLOW_WARM_S:-5}"
  if [[ $workers == node ]]; then
    warm_streams="${SLOW_WARM_STREAMS:-3000}" warm_s="${SLOW_WARM_S:-25}"
  fi
  log "idle RSS right after start: $idle_cold kB; warming up ($warm_streams streams for $warm_s s, ended by the client)"
  run_load warm --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency "$warm_streams" --ramp-ms 5000 --duration "$warm_s" --abort-at-end --quiet >/dev/null
  sleep 5
  idle=$(rss_kb "$SERVICE_PID")
  wait_quiet
  log "idle RSS after warm-up: $idle kB; now $streams streams, opened over $((ramp_ms / 1000)) s"
  local live_idle live="$LOG_DIR/slow-streams-live.txt" plateau_at=$(( (ramp_ms / 1000 + chunks) / 2 ))
  live_idle=$(live_heap_kb "$SERVICE_PID")
  : >"$samples"; : >"$live"
  local total_s=$(( ramp_ms / 1000 + chunks + 20 ))
  sample_rss "$SERVICE_PID" "$total_s" 1 "$samples"
  live_heap_at "$SERVICE_PID" "$live" "$plateau_at"   # one full GC in the middle of the plateau
  local overflows_before
  overflows_before=$(listen_overflows)
  line=$(run_load "slow-streams-c$streams" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency "$streams" --requests "$streams" --ramp-ms "$ramp_ms" \
    --idle-timeout-ms 15000 --request-timeout-ms $(( (chunks + 30) * 1000 )) \
    --service-metrics "http://127.0.0.1:$SERVICE_PORT/metrics")
  wait_pid "$LIVE_PID" 20
  kill "$SAMPLER_PID" 2>/dev/null || true
  service_alive
  jcmd "$SERVICE_PID" GC.heap_info >"$LOG_DIR/slow-streams-heap.txt" 2>&1 || true
  local series
  series=$(awk '{ printf "%s[%s,%s,%s]", (NR > 1 ? "," : ""), $1, $2, ($3 == "" ? -1 : $3) }' "$samples")
  local live_plateau
  live_plateau=$(awk 'END { print ($2 == "" ? -1 : $2) }' "$live")
  jq -n --argjson run "$line" --argjson series "[$series]" --argjson idle "$idle" --argjson cold "$idle_cold" \
    --argjson n "$streams" --argjson ch "$chunks" --argjson ramp "$ramp_ms" --argjson failures "$(service_failures)" \
    --argjson ob "$overflows_before" --argjson oa "$(listen_overflows)" \
    --argjson li "$live_idle" --argjson lp "$live_plateau" --argjson lat "$plateau_at" \
    --arg workers "$workers" --argjson pmax "$per_stream_max" \
    --arg wopts "$worker_opts" '
    # Plateau: after the ramp (all streams opened) and before the first ones end.
    ($series | map(select(.[0] >= ($ramp / 1000 + 1) and .[0] <= ($ch - 1)))) as $plateau
    | ($plateau | map(.[1]) | sort) as $p
    | {scenario: "slow-streams",
       upstream: {chunks: $ch, chunk_interval_ms: 1000, first_token_delay_ms: 50},
       streams: $n, ramp_ms: $ramp, run: $run,
       workers: (if $workers == "node" then "on a worker node of the cluster (the measured node runs HTTP only)" else "on the measured node (role all)" end),
       worker_java_opts: (if $wopts == "" then null else $wopts end),
       rss_samples_note: "[elapsed_s since the load started, service RSS kB, service streams open (-1 = not scraped)]",
       rss_samples: $series,
       figures: {
         errors_total: $run.errors_total,
         errors: $run.errors,
         error_responses: $run.error_details,
         service_failures: $failures,
         service_first_token_ms: $run.service_first_token_ms,
         listen_overflows: (if $ob < 0 or $oa < 0 then null else $oa - $ob end),
         completed: $run.completed,
         ttfb_p50_ms: $run.ttfb_ms.p50,
         ttfb_p99_ms: $run.ttfb_ms.p99,
         max_gap_p99_ms: $run.max_gap_ms.p99,
         streams_open_max_seen: ($series | map(.[2]) | max),
         idle_rss_cold_kb: $cold,
         idle_rss_kb: $idle,
         plateau_samples: ($p | length),
         plateau_rss_max_kb: (if ($p | length) > 0 then $p[-1] else null end),
         plateau_rss_median_kb: (if ($p | length) > 0 then $p[(($p | length) / 2 | floor)] else null end),
         run_rss_max_kb: ($series | map(.[1]) | max),
         kb_per_stream_above_idle: (if ($p | length) > 0 then ((($p[-1] - $idle) / $n) * 10 | round / 10) else null end),
         kb_per_stream_above_cold_idle: (if ($p | length) > 0 then ((($p[-1] - $cold) / $n) * 10 | round / 10) else null end),
         live_heap_idle_kb: $li,
         live_heap_plateau_kb: $lp,
         live_heap_plateau_at_s: $lat,
         live_heap_kb_per_stream: (if $lp > 0 and $li > 0 then ((($lp - $li) / $n) * 10 | round / 10) else null end)},
       targets: {errors: 0, rss_total_max_kb: 1048576, kb_per_stream_max: $pmax}}
    | .targets.errors_met = (.figures.errors_total == 0 and .figures.completed == $n)
    | .targets.rss_total_met = (.figures.run_rss_max_kb <= 1048576)
    | .targets.per_stream_met = (.figures.kb_per_stream_above_idle != null and .figures.kb_per_stream_above_idle <= $pmax)' \
    | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value)"' "$result"
}

# ------------------------------------------------------------------------------------------------
# 3. Slow readers on fast streams: the service's RSS must stay flat (bounded buffering).
slow_readers() {
  local callers="${READERS:-1000}" duration="${READERS_DURATION_S:-60}" rate="${READERS_BYTES_PER_S:-16}"
  # A practically endless stream of 512-byte pieces, written as fast as the reader drains: the
  # buffers between the upstream and the reader fill within seconds, then only backpressure holds.
  local delta_bytes="${READERS_DELTA_BYTES:-512}"
  start_upstream 1000000 0 0 --delta-bytes "$delta_bytes"
  start_service
  sleep 3
  local idle samples="$LOG_DIR/slow-readers-rss.txt" line up_log="$LOG_DIR/upstream.log"
  wait_quiet
  idle=$(rss_kb "$SERVICE_PID")
  log "idle RSS: $idle kB; $callers callers reading $rate B/s each for $duration s"
  local live="$LOG_DIR/slow-readers-live.txt" live_idle
  live_idle=$(live_heap_kb "$SERVICE_PID")
  : >"$samples"; : >"$live"
  sample_rss "$SERVICE_PID" $((duration + 5)) 1 "$samples"
  # The live heap (after a forced full GC) at a third, at half and near the end of the run.
  live_heap_at "$SERVICE_PID" "$live" $((duration / 3)) $((duration / 2)) $((duration - 4))
  line=$(run_load "slow-readers-c$callers" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency "$callers" --duration "$duration" --ramp-ms 2000 --abort-at-end \
    --slow-bytes-per-second "$rate" --idle-timeout-ms 20000)
  local buffered
  wait_pid "$LIVE_PID" 20
  kill "$SAMPLER_PID" 2>/dev/null || true
  service_alive
  buffered=$(metric 'campaign_buffered_chunks{side="worker"}')
  local series paused lseries
  series=$(awk '{ printf "%s[%s,%s,%s]", (NR > 1 ? "," : ""), $1, $2, ($3 == "" ? -1 : $3) }' "$samples")
  lseries=$(awk '{ printf "%s[%s,%s]", (NR > 1 ? "," : ""), $1, $2 }' "$live")
  paused=$(grep -o 'paused-for-drain [0-9]*' "$up_log" | tail -1 | awk '{ print $2 }')
  jq -n --argjson run "$line" --argjson series "[$series]" --argjson idle "$idle" --argjson n "$callers" \
    --argjson d "$duration" --argjson rate "$rate" --argjson live "[$lseries]" --argjson li "$live_idle" --arg db "$delta_bytes" --arg buffered "$buffered" --arg paused "${paused:-0}" '
    # Each reader'"'"'s buffers fill over the first seconds (a bounded amount per reader); from then
    # on, the memory must not grow: flatness is judged over the second half of the run.
    ($series | map(select(.[0] >= ($d / 2)))) as $late
    | {scenario: "slow-readers",
       upstream: {chunks: 1000000, chunk_interval_ms: 0, first_token_delay_ms: 0, delta_bytes: ($db | tonumber)},
       callers: $n, duration_s: $d, read_bytes_per_second_per_caller: $rate, run: $run,
       rss_samples_note: "[elapsed_s since the load started, service RSS kB, service streams open (-1 = not scraped)]",
       rss_samples: $series,
       live_heap_note: "[elapsed_s, live heap kB after a forced full GC]",
       live_heap_samples: $live,
       figures: {
         errors_total: $run.errors_total,
         live_heap_idle_kb: $li,
         live_heap_kb: ($live | map(.[1])),
         live_heap_kb_per_stream_at_end: (if ($live | length) > 0 then ((($live[-1][1] - $li) / $n) * 10 | round / 10) else null end),
         streams_open_at_end: $run.unfinished_at_end,
         bytes_read_per_caller_per_s: (($run.bytes_total / $n / $d) * 10 | round / 10),
         idle_rss_kb: $idle,
         rss_second_half_min_kb: ($late | map(.[1]) | min),
         rss_second_half_max_kb: ($late | map(.[1]) | max),
         rss_growth_over_second_half_kb: (($late[-1][1]) - ($late[0][1])),
         rss_above_idle_per_reader_kb: (((($late | map(.[1]) | max) - $idle) / $n) * 10 | round / 10),
         worker_chunks_waiting_for_credit_after_run: ($buffered | tonumber? // $buffered),
         upstream_waits_for_drain: ($paused | tonumber? // 0)},
       targets: {rss_flat: "RSS over the second half of the run varies by less than 5 %",
                 live_heap_bounded: "live heap near the end within 10 % of the live heap at half the run"}}
    | .targets.errors_met = (.figures.errors_total == 0)
    | .targets.rss_flat_met = ((.figures.rss_second_half_max_kb - .figures.rss_second_half_min_kb) <= 0.05 * .figures.rss_second_half_min_kb)
    | .targets.live_heap_bounded_met = ((.figures.live_heap_kb | length) >= 3
        and .figures.live_heap_kb[-1] <= 1.1 * .figures.live_heap_kb[1])' \
    | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value)"' "$result"
}

# ------------------------------------------------------------------------------------------------
# 4. One HTTP node and one worker node on the Hazelcast-clustered event bus, against one `all` node,
#    in the same run: the same short streams at the same concurrency.
clustered() {
  local duration="${CLUSTER_DURATION_S:-20}" warmup="${CLUSTER_WARMUP_S:-5}" c="${CLUSTER_CONCURRENCY:-500}"
  local cluster="bench-$$"
  start_upstream 40 10 5
  start_service
  run_load warm-all --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency 200 --duration 8 --quiet >/dev/null
  wait_quiet
  local all_line cluster_line
  all_line=$(run_load "all-c$c" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --accept text/plain --concurrency "$c" --duration "$duration" --warmup "$warmup")
  stop_pid "$SERVICE_PID"
  start_worker_node "$cluster"
  start_service CLUSTER_ENABLED=true NODE_ROLE=http CLUSTER_NAME="$cluster" NODE_NAME=bench-front
  run_load warm-cluster --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --concurrency 200 --duration 8 --quiet >/dev/null
  wait_quiet
  cluster_line=$(run_load "cluster-c$c" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --accept text/plain --concurrency "$c" --duration "$duration" --warmup "$warmup")
  printf '%s\n%s\n' "$all_line" "$cluster_line" | jq -s --argjson c "$c" '
    {scenario: "clustered", concurrency: $c, upstream: {chunks: 40, chunk_interval_ms: 10, first_token_delay_ms: 5},
     runs: .,
     figures: {throughput_ratio: ((.[1].streams_per_s / .[0].streams_per_s) * 1000 | round / 1000),
               ttfb_p99_ms_all: .[0].ttfb_ms.p99, ttfb_p99_ms_cluster: .[1].ttfb_ms.p99,
               errors_total: (map(.errors_total) | add)},
     targets: {throughput_ratio_min: 0.7, met: ((.[1].streams_per_s / .[0].streams_per_s) >= 0.7)}}' | write_result
}

# ------------------------------------------------------------------------------------------------
# 5. Cache and coalescing: 1,000 callers on 10 brands, upstream calls counted. The same load three
#    times against one upstream: cache off, then cache on from cold, then again with the cache warm.
# Upstream streams begun since the upstream started (its stats line, exact, every --stats-every-s 1).
# Waits for the second line printed after the call: that one was counted after the call, so every
# call of a phase just ended is in it (each reached the upstream before its callers had a campaign).
cache_upstream_started() {
  local out="$LOG_DIR/upstream.log" n i
  n=$(grep -c '^upstream: started' "$out" || true)
  for i in $(seq 1 50); do
    (( $(grep -c '^upstream: started' "$out" || true) >= n + 2 )) && break
    sleep 0.2
  done
  grep -o '^upstream: started [0-9]*' "$out" | tail -1 | awk '{ print $3 }'
}

# The service's campaign_cache_total counters (requests by hit, miss, shared since it started), as JSON.
cache_metrics() {
  { curl -fs --max-time 2 "http://127.0.0.1:$SERVICE_PORT/metrics" 2>/dev/null || true; } \
    | sed -n 's/^campaign_cache_total{.*result="\([a-z]*\)".*} \([0-9.eE+]*\)$/\1 \2/p' \
    | awk 'BEGIN { printf "{" } { printf "%s\"%s\":%d", (NR > 1 ? "," : ""), $1, $2 } END { printf "}" }'
}

# cache_phase LABEL CALLERS BRANDS RAMP_MS: each caller one request, request k asking for Brand-<k mod
# BRANDS>; the load generator's line plus the upstream calls and the service's cache counts of the phase.
cache_phase() {
  local label="$1" n="$2" brands="$3" ramp_ms="$4" before after m0 m1 line
  service_alive
  wait_quiet
  before=$(cache_upstream_started)
  m0=$(cache_metrics)
  log "phase $label: $n callers on $brands brands, opened over $ramp_ms ms (upstream streams so far: $before)"
  line=$(run_load "$label" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
    --brands "$brands" --concurrency "$n" --requests "$n" --ramp-ms "$ramp_ms" --request-timeout-ms 30000)
  after=$(cache_upstream_started)
  m1=$(cache_metrics)
  [[ -n "$before" && -n "$after" ]] || die "no stats line from the upstream (see $LOG_DIR/upstream.log)"
  jq -c --argjson calls $((after - before)) --argjson m0 "$m0" --argjson m1 "$m1" '
    . + {upstream_calls: $calls,
         service_cache_counts: ($m1 | with_entries(.value -= ($m0[.key] // 0)))}' <<<"$line"
}

# ------------------------------------------------------------------------------------------------
# 5. Cache and coalescing: 1,000 callers on 10 brands, upstream calls counted. The same load three
#    times against one upstream: cache off, then cache on from cold, then again with the cache warm.
cache() {
  local callers="${CACHE_CALLERS:-1000}" brands="${CACHE_BRANDS:-10}" ramp_ms="${CACHE_RAMP_MS:-1000}"
  local chunks=40 interval=50 first=50   # 2 s streams: most callers arrive while their brand is written
  start_upstream "$chunks" "$interval" "$first" --stats-every-s 1
  local url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"
  local off cold warm
  # a. Cache off (start_service's default): every caller is an upstream call. Warm-up on another prompt.
  start_service
  run_load warm-off --url "$url" --concurrency 100 --duration 3 --quiet >/dev/null
  off=$(cache_phase cache-off "$callers" "$brands" "$ramp_ms")
  # b. Cache on, cold: one call per brand, the other callers join its stream or hit the cache after it.
  stop_pid "$SERVICE_PID"
  start_service CACHE_ENABLED=true
  run_load warm-on --url "$url" --concurrency 100 --duration 3 --quiet >/dev/null   # caches Acme Coffee only
  cold=$(cache_phase cache-cold "$callers" "$brands" "$ramp_ms")
  # c. The same service, its cache warm: no upstream call at all.
  warm=$(cache_phase cache-warm "$callers" "$brands" "$ramp_ms")
  printf '%s\n%s\n%s\n' "$off" "$cold" "$warm" | jq -s --argjson n "$callers" --argjson b "$brands" \
    --argjson ramp "$ramp_ms" --argjson ch "$chunks" --argjson iv "$interval" --argjson ft "$first" '
    (map({key: .label, value: .}) | from_entries) as $r
    | {scenario: "cache",
       upstream: {chunks: $ch, chunk_interval_ms: $iv, first_token_delay_ms: $ft},
       callers: $n, brands: $b, ramp_ms: $ramp,
       method: "each phase: every caller makes one request, request k asking for Brand-<k mod brands>; upstream calls = streams the upstream started during the phase",
       runs: .,
       figures: {
         upstream_calls_cache_off: $r["cache-off"].upstream_calls,
         upstream_calls_cold: $r["cache-cold"].upstream_calls,
         upstream_calls_warm: $r["cache-warm"].upstream_calls,
         calls_saved_ratio_cold: (if $r["cache-off"].upstream_calls > 0
           then ((1 - $r["cache-cold"].upstream_calls / $r["cache-off"].upstream_calls) * 1000 | round / 1000) else null end),
         calls_saved_ratio_warm: (if $r["cache-off"].upstream_calls > 0
           then ((1 - $r["cache-warm"].upstream_calls / $r["cache-off"].upstream_calls) * 1000 | round / 1000) else null end),
         cache_results_off: $r["cache-off"].cache_results,
         cache_results_cold: $r["cache-cold"].cache_results,
         cache_results_warm: $r["cache-warm"].cache_results,
         service_cache_counts_cold: $r["cache-cold"].service_cache_counts,
         ttfb_p50_ms_off: $r["cache-off"].ttfb_ms.p50, ttfb_p99_ms_off: $r["cache-off"].ttfb_ms.p99,
         ttfb_p50_ms_cold: $r["cache-cold"].ttfb_ms.p50, ttfb_p99_ms_cold: $r["cache-cold"].ttfb_ms.p99,
         ttfb_p50_ms_warm: $r["cache-warm"].ttfb_ms.p50, ttfb_p99_ms_warm: $r["cache-warm"].ttfb_ms.p99,
         total_p50_ms_off: $r["cache-off"].total_ms.p50, total_p50_ms_cold: $r["cache-cold"].total_ms.p50,
         total_p50_ms_warm: $r["cache-warm"].total_ms.p50,
         service_cpu_s_off: $r["cache-off"].service_cpu_s, service_cpu_s_cold: $r["cache-cold"].service_cpu_s,
         service_cpu_s_warm: $r["cache-warm"].service_cpu_s,
         completed: (map(.completed) | add),
         errors_total: (map(.errors_total) | add)},
       targets: {upstream_calls_cold: $b, upstream_calls_warm: 0, errors: 0}}
    | .targets.cold_met = (.figures.upstream_calls_cold == $b)
    | .targets.warm_met = (.figures.upstream_calls_warm == 0)
    | .targets.errors_met = (.figures.errors_total == 0 and .figures.completed == 3 * $n)' | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value | if type == "object" then tojson else . end)"' "$result"
}

# ------------------------------------------------------------------------------------------------
# 6. The cost of tracing: the short streams of scenario 1 at 100 and 1,000 callers, through a node
#    with tracing off and one with it on, every request sampled (always_on) and exported over
#    OTLP/HTTP to a receiver that accepts and drops (bench otlp-sink). Off and on alternate, a fresh
#    node each time warmed the same way, TRACE_PAIRS times; the figures are the medians of the pairs.
tracing() {
  local duration="${TRACE_DURATION_S:-20}" warmup="${TRACE_WARMUP_S:-5}" pairs="${TRACE_PAIRS:-2}"
  local warm="${TRACE_WARM_S:-30}" chunks=40 interval=10 first=5
  start_upstream "$chunks" "$interval" "$first"
  start_sink
  local url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"
  local runs=() i mode c label line s0 s1
  for i in $(seq 1 "$pairs"); do
    for mode in off on; do
      if [[ $mode == on ]]; then
        start_service OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_TRACES_SAMPLER=always_on
      else
        start_service
      fi
      log "warming up the $mode node (not measured): ${warm} s at 1,000 callers, then ${warm} s at 100"
      run_load "warm-$mode-$i" --url "$url" --concurrency 1000 --duration "$warm" --quiet >/dev/null
      run_load "warm-$mode-c100-$i" --url "$url" --concurrency 100 --duration "$warm" --quiet >/dev/null
      for c in 100 1000; do
        label="$mode-c$c-$i"
        service_alive
        wait_quiet
        log "run $label: $duration s ($warmup s warm-up)"
        s0=$(sink_stats)
        line=$(run_load "$label" --url "$url" --accept text/plain --concurrency "$c" --duration "$duration" \
          --warmup "$warmup")
        # What the last batches of the run still had to send (the SDK sends every 5 s by default).
        [[ $mode == on ]] && sleep 6
        s1=$(sink_stats)
        line=$(jq -c --argjson a "$s0" --argjson b "$s1" --argjson rss "$(rss_kb "$SERVICE_PID")" \
          '. + {otlp_requests: ($b.requests - $a.requests), otlp_bytes: ($b.bytes - $a.bytes), service_rss_kb: $rss}' \
          <<<"$line")
        runs+=("$line")
      done
      stop_pid "$SERVICE_PID"
    done
  done
  printf '%s\n' "${runs[@]}" | jq -s --argjson d "$duration" --argjson w "$warmup" --argjson n "$pairs" \
    --argjson ch "$chunks" --argjson iv "$interval" --argjson ft "$first" "$JQ_DEFS"'
    (map({key: .label, value: .}) | from_entries) as $r
    | def run($m; $c; $i): $r["\($m)-c\($c)-\($i)"];
      # a run that completed nothing (a smoke of a few seconds) gives no figure rather than a division by zero
      def per($a; $b): if $b > 0 then $a / $b else null end;
      def mid: map(select(. != null)) | if length > 0 then median else null end;
      def cpu_ms_per_stream($m; $c; $i): run($m; $c; $i) | per(.service_cpu_s * 1000; .completed);
      [range(1; $n + 1)] as $pairs
    | {scenario: "tracing",
       upstream: {chunks: $ch, chunk_interval_ms: $iv, first_token_delay_ms: $ft},
       duration_s: $d, warmup_s: $w, pairs: $n,
       method: "off and on alternate, a fresh node each, warmed alike; on = OTEL_TRACES_SAMPLER=always_on to an OTLP/HTTP sink that drops; service CPU over the whole run (warm-up included) per completed stream",
       runs: .,
       figures: ([100, 1000] | map(. as $c | {key: "c\($c)", value: {
         throughput_ratio_on_off: ($pairs | map(per(run("on"; $c; .).streams_per_s; run("off"; $c; .).streams_per_s)) | mid | if . then r3 else . end),
         ttfb_p50_added_ms: ($pairs | map(run("on"; $c; .).ttfb_ms.p50 - run("off"; $c; .).ttfb_ms.p50) | median | r2),
         ttfb_p99_added_ms: ($pairs | map(run("on"; $c; .).ttfb_ms.p99 - run("off"; $c; .).ttfb_ms.p99) | median | r2),
         cpu_ms_per_stream_off: ($pairs | map(cpu_ms_per_stream("off"; $c; .)) | mid | if . then r3 else . end),
         cpu_ms_per_stream_on: ($pairs | map(cpu_ms_per_stream("on"; $c; .)) | mid | if . then r3 else . end),
         rss_mib_off: ($pairs | map(run("off"; $c; .).service_rss_kb / 1024) | median | r2),
         rss_mib_on: ($pairs | map(run("on"; $c; .).service_rss_kb / 1024) | median | r2),
         otlp_bytes_per_stream: ($pairs | map(run("on"; $c; .) | per(.otlp_bytes; .completed)) | mid | if . then round else . end),
         errors: ($pairs | map(run("off"; $c; .).errors_total + run("on"; $c; .).errors_total) | add)}})
         | from_entries),
       targets: {errors: 0}}
    | .targets.errors_met = ([.figures[].errors] | add == 0)' | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value | tojson)"' "$result"
}

# relay_port MODE: the port a first-text run of MODE (direct, nginx, proxy, service) calls.
relay_port() {
  case "$1" in
    direct) echo "$UPSTREAM_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
    proxy) echo "$PROXY_PORT" ;;
    service) echo "$SERVICE_PORT" ;;
  esac
}

# first_text_run LABEL MODE DURATION WARMUP: one caller in a closed loop through MODE; prints the run's JSON.
first_text_run() {
  if [[ $2 == service ]]; then
    run_load "$1" --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" --accept text/plain \
      --concurrency 1 --duration "$3" --warmup "$4"
  else
    run_load "$1" --mode direct --url "http://127.0.0.1:$(relay_port "$2")/v1/chat/completions" \
      --concurrency 1 --duration "$3" --warmup "$4"
  fi
}

# ------------------------------------------------------------------------------------------------
# 7. The time to the first text at one caller: what each relay adds to a lone caller's wait. Short
#    streams (the rest of a stream does not matter here), one caller in a closed loop, against the
#    upstream directly, nginx, the pass-through Vert.x proxy and the service in turn, FIRST_ROUNDS
#    times. The first text: the first byte through the service (plain text); the first non-empty
#    content from OpenAI's event stream, whose role chunk comes first and holds none.
first_text() {
  local duration="${FIRST_DURATION_S:-20}" warmup="${FIRST_WARMUP_S:-2}" rounds="${FIRST_ROUNDS:-3}"
  # No first-token delay: the upstream's timer would add a millisecond of jitter to every side.
  local chunks=4 interval=5 first=0
  start_upstream "$chunks" "$interval" "$first"
  start_service
  start_proxy
  start_nginx
  local service_url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"
  log "warming up (not measured): 30 s at 100 callers through the service, 10 s at 100 through the proxy, then 10 s each at one caller"
  run_load warm-service --url "$service_url" --concurrency 100 --duration 30 --quiet >/dev/null
  run_load warm-proxy --mode direct --url "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" \
    --concurrency 100 --duration 10 --quiet >/dev/null
  run_load warm-service-c1 --url "$service_url" --concurrency 1 --duration 10 --quiet >/dev/null
  run_load warm-proxy-c1 --mode direct --url "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" \
    --concurrency 1 --duration 10 --quiet >/dev/null
  local runs=() i mode label
  for i in $(seq 1 "$rounds"); do
    for mode in direct nginx proxy service; do
      label="$mode-c1-$i"
      service_alive
      wait_quiet
      log "run $label: $duration s ($warmup s warm-up)"
      runs+=("$(first_text_run "$label" "$mode" "$duration" "$warmup")")
    done
  done
  # FIRST_SPLIT=1: one more run per relay under tcpdump, after the measured rounds and not counted in
  # them (capturing costs CPU on every packet), to split each relay's added time into its request
  # and response paths (packet_split).
  local split='{}' floor=null pcap
  if [[ ${FIRST_SPLIT:-0} == 1 ]]; then
    for mode in nginx proxy service; do
      pcap="$LOG_DIR/first-text-$mode.pcap"
      service_alive
      wait_quiet
      log "split $mode: ${FIRST_SPLIT_S:-10} s under tcpdump"
      start_capture "$pcap" "$(relay_port "$mode")"
      first_text_run "split-$mode" "$mode" "${FIRST_SPLIT_S:-10}" 0 >/dev/null
      stop_capture
      split=$(jq -c --arg m "$mode" --argjson s "$(packet_split "$pcap" "$(relay_port "$mode")")" '. + {($m): $s}' <<<"$split")
      rm -f "$pcap"
    done
    # The machine's floor under all of it: nginx answering on its own, paced as the direct runs'
    # requests came, then with a millisecond between requests (the shortest pause between a lone
    # caller's request and its first text), then back to back.
    local rate
    rate=$(printf '%s\n' "${runs[@]}" | jq -s '[.[] | select(.label | startswith("direct-")) | .streams_per_s] | add / length | round')
    wait_quiet
    log "floor: nginx answering /floor alone, ${FIRST_FLOOR_S:-20} s at $rate and at 1000 a second, then back to back"
    floor=$(nginx_floor "${FIRST_FLOOR_S:-20}" "$rate" 1000)
  fi
  printf '%s\n' "${runs[@]}" | jq -s --argjson d "$duration" --argjson w "$warmup" --argjson n "$rounds" \
    --argjson ch "$chunks" --argjson iv "$interval" --argjson ft "$first" --argjson split "$split" --argjson floor "$floor" "$JQ_DEFS"'
    (map({key: .label, value: .}) | from_entries) as $r
    # what a relay adds to the time to the first text, against the direct run of the same round
    | def added($m; $i; $p): ($r["\($m)-c1-\($i)"].first_text_ms[$p] - $r["direct-c1-\($i)"].first_text_ms[$p]) * 1000 | round / 1000;
      [range(1; $n + 1)] as $rounds
    | {scenario: "first-text",
       upstream: {chunks: $ch, chunk_interval_ms: $iv, first_token_delay_ms: $ft},
       duration_s: $d, warmup_s: $w, rounds: $n,
       method: "one caller in a closed loop; first text = first byte through the service (text/plain), first non-empty delta.content straight from the upstream; added = relay minus direct, same round",
       runs: .,
       figures: ((["service", "nginx", "proxy"] | map(. as $m | {key: $m, value: {
         first_text_p99_added_ms: ($rounds | map(added($m; .; "p99"))),
         first_text_p50_added_ms: ($rounds | map(added($m; .; "p50"))),
         samples: ($rounds | map($r["\($m)-c1-\(.)"].measured_streams))}}) | from_entries)
         + {direct_first_text_p99_ms: ($rounds | map($r["direct-c1-\(.)"].first_text_ms.p99)),
            errors_total: (map(.errors_total) | add)}),
       packet_split: (if $split == {} then null else
         {method: "FIRST_SPLIT=1: one run per relay under tcpdump after the measured rounds; request path = caller request in to upstream request out, response path = upstream packet with the first text in to the relay packet with it out (kernel timestamps, loopback)",
          relays: $split} end),
       machine_floor: (if $floor == null then null else
         {method: "FIRST_SPLIT=1: nginx answering a request on its own (/floor, 204), one connection, paced at the rate of the direct runs and at 1000 a second (at most 5000 requests each), then 1000 back to back; request in to answer out (kernel timestamps, loopback), µs",
          nginx: $floor} end),
       targets: {first_text_p99_added_ms_max: 0.25}}
    | .targets.met = (.figures.service.first_text_p99_added_ms | max <= 0.25)' | write_result
  jq -r '.figures | to_entries[] | "  \(.key): \(.value | tojson)"' "$result"
  jq -r '(.packet_split.relays // {} | to_entries[] | "  split \(.key): \(.value | tojson)"),
    (.machine_floor.nginx // empty | "  floor: \(tojson)")' "$result"
}

case "$scenario" in
  short-streams|slow-streams|slow-readers|clustered|cache|tracing|first-text)
    build_all
    case "$scenario" in
      cache) cache ;;
      clustered) clustered ;;
      short-streams) short_streams ;;
      slow-streams) slow_streams ;;
      slow-readers) slow_readers ;;
      tracing) tracing ;;
      first-text) first_text ;;
    esac ;;
  *) die "unknown scenario '$scenario': short-streams|slow-streams|slow-readers|clustered|cache|tracing|first-text" ;;
esac
