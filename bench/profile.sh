#!/usr/bin/env bash
# Where the service's CPU, allocations, system calls and thread wake-ups go per relayed chunk, under
# the load of scenario 1 (short streams, 1,000 callers), with nginx and the pass-through Vert.x proxy
# counted the same way in the same run:
#   bench/profile.sh [NAME]          -> bench/results/profiles/NAME-{cpu,alloc}.{html,collapsed}, NAME.json
# async-profiler comes from Maven Central (tools.profiler:async-profiler, fetched into bench/target)
# and is attached to the running service with jcmd; perf counts system calls and context switches.
# PROFILE_CALLERS (1000), PROFILE_WARM_S (45), PROFILE_S (20) change the sizes; PROFILE_INTERVAL (1ms)
# is the CPU sampling interval (finer for one caller, whose process is mostly idle).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export BENCH_SCENARIO=profile
name="${1:-profile}"
callers="${PROFILE_CALLERS:-1000}" warm="${PROFILE_WARM_S:-45}" window="${PROFILE_S:-20}"
cpu_interval="${PROFILE_INTERVAL:-1ms}"
AP_VERSION=4.2
out_dir="$RESULTS_DIR/profiles"
mkdir -p "$out_dir"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
ensure_debian_package perf linux-perf "system calls and context switches per chunk"
build_all

# The profiler's native library, from its jar on Maven Central.
ap_lib="$BENCH_DIR/target/async-profiler/linux-x64/libasyncProfiler.so"
if [[ ! -f "$ap_lib" ]]; then
  (cd "$BENCH_DIR" && mvn -q -B -ntp dependency:copy -Dartifact="tools.profiler:async-profiler:$AP_VERSION" \
    -DoutputDirectory=target/async-profiler) || die "could not fetch async-profiler $AP_VERSION"
  (cd "$BENCH_DIR/target/async-profiler" && unzip -q -o "async-profiler-$AP_VERSION.jar" 'linux-x64/*') \
    || die "no linux-x64 library in async-profiler's jar"
fi
# profiler PID ARGS: one async-profiler command in the running JVM. The options go quoted: jcmd would
# read an unquoted "a=b" as one of its own named arguments.
profiler() {
  jcmd "$1" JVMTI.agent_load "$ap_lib" "\"$2\"" 2>&1 | grep -q 'return code: 0' || die "async-profiler refused '$2'"
}

# perf_counts PID SECONDS: "syscalls context_switches" of the process over SECONDS.
perf_counts() {
  perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "$1" -- sleep "$2" 2>&1 >/dev/null \
    | awk -F, '/raw_syscalls/ { s = $1 } /context-switches/ { c = $1 } END { print s + 0, c + 0 }'
}

chunks=40
start_upstream "$chunks" 10 5
start_service
start_proxy
start_nginx
service_url="http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee"

# relay_window LABEL PID URL MODE: a run of PROFILE_S seconds with perf counting the relay's process
# over its middle; prints the load generator's line with the counts per chunk written to callers.
relay_window() {
  local label="$1" pid="$2" url="$3" mode="$4" counts line
  local measure=$(( window - 4 ))
  ( sleep 2; perf_counts "$pid" "$measure" >"$LOG_DIR/perf-$label" ) &
  local perf_pid=$!
  if [[ $mode == service ]]; then
    line=$(run_load "$label" --url "$url" --accept text/plain --concurrency "$callers" --duration "$window")
  else
    line=$(run_load "$label" --mode direct --url "$url" --concurrency "$callers" --duration "$window")
  fi
  wait "$perf_pid" || true
  counts=$(cat "$LOG_DIR/perf-$label")
  jq -c --argjson ch "$chunks" --argjson m "$measure" --argjson w "$window" --arg counts "$counts" '
    ($counts | split(" ") | map(tonumber)) as [$sys, $cs]
    # the chunks written in the perf window, at the run'"'"'s average rate
    | (.completed * $ch * $m / $w) as $chunks
    | . + {perf_window_s: $m, syscalls: $sys, context_switches: $cs,
           syscalls_per_chunk: ($sys / $chunks * 100 | round / 100),
           context_switches_per_chunk: ($cs / $chunks * 1000 | round / 1000)}' <<<"$line"
}

log "warming up the service for $warm s at $callers callers (not measured)"
run_load warm --url "$service_url" --concurrency "$callers" --duration "$warm" --quiet >/dev/null
run_load warm-proxy --mode direct --url "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" \
  --concurrency "$callers" --duration 20 --quiet >/dev/null
wait_quiet
runs=()
runs+=("$(relay_window "nginx" "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" direct)")
runs+=("$(relay_window "proxy" "$PROXY_PID" "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" direct)")
runs+=("$(relay_window "service" "$SERVICE_PID" "$service_url" service)")

# The profiles, each over one more window of the same load.
for event in cpu alloc; do
  wait_quiet
  log "profiling the service ($event) for $window s at $callers callers"
  profiler "$SERVICE_PID" "start,event=$event,interval=$([[ $event == cpu ]] && echo "$cpu_interval" || echo 512k)"
  run_load "profile-$event" --url "$service_url" --accept text/plain --concurrency "$callers" \
    --duration "$window" --quiet >/dev/null
  profiler "$SERVICE_PID" "dump,collapsed,file=$out_dir/$name-$event.collapsed"
  profiler "$SERVICE_PID" "stop,file=$out_dir/$name-$event.html"
  log "wrote bench/results/profiles/$name-$event.html"
done

printf '%s\n' "${runs[@]}" | jq -s --argjson c "$callers" --argjson ch "$chunks" '
  (map({key: .label, value: .}) | from_entries) as $r
  | def cpu($m): $r[$m] as $x | $x[{service: "service_cpu_s", proxy: "proxy_cpu_s", nginx: "nginx_cpu_s"}[$m]]
      * 1e6 / ($x.completed * $ch) * 100 | round / 100;
  {scenario: "profile", callers: $c, upstream: {chunks: $ch, chunk_interval_ms: 10, first_token_delay_ms: 5},
   runs: .,
   figures: (["nginx", "proxy", "service"] | map({key: ., value: {
     streams_per_s: $r[.].streams_per_s, cpu_us_per_chunk: cpu(.),
     syscalls_per_chunk: $r[.].syscalls_per_chunk, context_switches_per_chunk: $r[.].context_switches_per_chunk,
     errors: $r[.].errors_total}}) | from_entries)}' >"$out_dir/$name.json"
jq -r '.figures | to_entries[] | "  \(.key): \(.value | tojson)"' "$out_dir/$name.json"
