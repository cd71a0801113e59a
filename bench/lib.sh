# Shared by bench/run.sh, bench/run-all.sh and bench/smoke.sh (sourced, not run).
# Every process started here is recorded in BENCH_PIDS and ended by the EXIT trap.
# All traffic stays on 127.0.0.1; every wait loop is bounded.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# BENCH_SERVICE_JAR: another build of the service, for a before/after comparison (bench/compare.sh).
SERVICE_JAR="${BENCH_SERVICE_JAR:-$ROOT_DIR/target/campaign-stream.jar}"
BENCH_JAR="$BENCH_DIR/target/campaign-stream-bench.jar"
RESULTS_DIR="$BENCH_DIR/results"
LOG_DIR="${BENCH_LOG_DIR:-/tmp/campaign-stream-bench}"
SERVICE_PORT="${BENCH_SERVICE_PORT:-18480}"
UPSTREAM_PORT="${BENCH_UPSTREAM_PORT:-18481}"
PROXY_PORT="${BENCH_PROXY_PORT:-18482}"
NGINX_PORT="${BENCH_NGINX_PORT:-18483}"
SINK_PORT="${BENCH_SINK_PORT:-18484}"
# The service's JVM runs as the Dockerfile runs it (its JAVA_OPTS, read from there) in a container
# limited to 1 GiB, which -XX:MaxRAM stands in for: the heap is sized from it, not from this machine.
DOCKERFILE_JAVA_OPTS="$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' "$ROOT_DIR/Dockerfile")"
[[ -n "$DOCKERFILE_JAVA_OPTS" ]] || { echo "bench: no ENV JAVA_OPTS line in the Dockerfile" >&2; exit 1; }
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:--XX:MaxRAM=1g $DOCKERFILE_JAVA_OPTS}"
UPSTREAM_JAVA_OPTS="${UPSTREAM_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--Xms256m -Xmx2g -XX:+UseParallelGC}"
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

BENCH_PIDS=()
mkdir -p "$LOG_DIR" "$RESULTS_DIR"

# Many sockets per process in the large scenarios.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# jq definitions the scenarios' summaries share: the median of a list, its p50/p90/p99 (summary, null
# when empty; the packet-time figures), and rounding to 3 or 2 decimals.
JQ_DEFS='
    def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    def pct($p): sort | .[((length * $p) | floor) as $i | if $i >= length then length - 1 else $i end];
    def summary: if length == 0 then null else {p50: pct(0.5), p90: pct(0.9), p99: pct(0.99)} end;
    def r3: . * 1000 | round / 1000;
    def r2: . * 100 | round / 100;'

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  local i
  for i in $(seq 1 50); do   # up to 10 s for a graceful exit
    local alive=0
    for pid in "${BENCH_PIDS[@]:-}"; do
      [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    (( alive == 0 )) && break
    sleep 0.2
  done
  for pid in "${BENCH_PIDS[@]:-}"; do
    [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  # The next scenario's service starts a new service.log and GC log: each scenario's are kept under its name.
  if [[ -n "${BENCH_SCENARIO:-}" ]]; then
    local kept
    for kept in service service-gc; do
      if [[ -f "$LOG_DIR/$kept.log" ]]; then cp "$LOG_DIR/$kept.log" "$LOG_DIR/$kept-$BENCH_SCENARIO.log"; fi
    done
  fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Stops one process started here (TERM, then KILL after 10 s) and forgets it.
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  # A process just killed may hold its listening port for a moment.
  for i in $(seq 1 25); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  local kept=() p
  for p in "${BENCH_PIDS[@]:-}"; do [[ -n "$p" && "$p" != "$pid" ]] && kept+=("$p"); done
  BENCH_PIDS=("${kept[@]:-}")
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Builds the service artifact into the local repository and the bench jar (BENCH_SKIP_BUILD=1 skips).
build_all() {
  if [[ "${BENCH_SKIP_BUILD:-0}" == 1 ]]; then
    [[ -f "$BENCH_JAR" && -f "$SERVICE_JAR" ]] || die "BENCH_SKIP_BUILD=1 but the jars are missing"
    return
  fi
  log "installing the service artifact (mvn -q -DskipTests install at the root)"
  (cd "$ROOT_DIR" && mvn -q -B -ntp -DskipTests install) || die "service build failed"
  log "building the bench jar"
  (cd "$BENCH_DIR" && mvn -q -B -ntp package) || die "bench build failed"
}

# wait_ready OUT PID NAME: until the bench process writes its READY line (bounded).
wait_ready() {
  local i
  for i in $(seq 1 150); do
    grep -q '^READY' "$1" 2>/dev/null && { log "$3 ready (pid $2)"; return; }
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; die "$3 exited"; }
    sleep 0.2
  done
  die "$3 not ready after 30 s"
}

# start_proxy: the pass-through reference of scenario 1 (PassThroughProxy), in front of the upstream,
# with the service's JVM options; PROXY_KIND=netty-relay runs NettyRelay (Netty without Vert.x) in
# its place. Sets PROXY_PID.
start_proxy() {
  port_free "$PROXY_PORT" || die "port $PROXY_PORT is in use (set BENCH_PROXY_PORT)"
  local out="$LOG_DIR/${PROXY_KIND:-proxy}.log"
  # shellcheck disable=SC2086
  java $SERVICE_JAVA_OPTS -jar "$BENCH_JAR" "${PROXY_KIND:-proxy}" --host 127.0.0.1 --port "$PROXY_PORT" \
    --upstream-port "$UPSTREAM_PORT" >"$out" 2>&1 &
  PROXY_PID=$!
  BENCH_PIDS+=("$PROXY_PID")
  wait_ready "$out" "$PROXY_PID" proxy
}

# start_sink: the OTLP receiver that accepts and drops (OtlpSink), for the tracing scenario. Sets SINK_PID.
start_sink() {
  port_free "$SINK_PORT" || die "port $SINK_PORT is in use (set BENCH_SINK_PORT)"
  local out="$LOG_DIR/otlp-sink.log"
  java -Xms64m -Xmx256m -XX:+UseSerialGC -jar "$BENCH_JAR" otlp-sink --host 127.0.0.1 --port "$SINK_PORT" >"$out" 2>&1 &
  SINK_PID=$!
  BENCH_PIDS+=("$SINK_PID")
  wait_ready "$out" "$SINK_PID" otlp-sink
}

# What the OTLP sink has received so far: {"requests": n, "bytes": n}.
sink_stats() {
  curl -fs --max-time 2 "http://127.0.0.1:$SINK_PORT/stats" 2>/dev/null || echo '{"requests":-1,"bytes":-1}'
}

# ensure_debian_package COMMAND PACKAGE WHAT_FOR: installs Debian's PACKAGE when COMMAND is missing
# (as root; otherwise says what to install).
ensure_debian_package() {
  command -v "$1" >/dev/null || [[ -x "/usr/sbin/$1" ]] && return
  [[ $(id -u) == 0 ]] || die "$3 needs $1: apt-get install $2"
  log "installing $2 ($3)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; } \
    || die "could not install $2"
}

# ensure_nginx: sets NGINX_BIN, installing Debian's nginx-light when it is missing (as root).
ensure_nginx() {
  ensure_debian_package nginx nginx-light "the reference relay"
  NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
}

# start_capture PCAP RELAY_PORT: tcpdump on loopback of the relay's and the upstream's traffic, into
# PCAP (the start of each packet, where the HTTP heads and the first text are); sets CAPTURE_PID.
# stop_capture: ends it, the file complete.
start_capture() {
  ensure_debian_package tcpdump tcpdump FIRST_SPLIT
  tcpdump -i lo -nn -s 4096 -w "$1" "tcp port $2 or tcp port $UPSTREAM_PORT" >/dev/null 2>&1 &
  CAPTURE_PID=$!
  BENCH_PIDS+=("$CAPTURE_PID")
  sleep 1
}

stop_capture() {
  sleep 1
  kill -INT "$CAPTURE_PID" 2>/dev/null || true
  wait "$CAPTURE_PID" 2>/dev/null || true
}

# packet_split PCAP RELAY_PORT: where a relay spends the time it adds to a lone caller's first text,
# from the packets on loopback (the kernel's timestamps, so no relay's clock is trusted), one caller
# at a time. Request path: from the caller's request reaching the relay to the relay's request
# leaving for the upstream. Response path: from the upstream's packet holding the first text (the
# first non-empty "content") to the relay's first packet to the caller holding that text. Prints
# {"streams": n, "request_path_us": {p50, p90, p99}, "response_path_us": {...}}.
packet_split() {
  tcpdump -r "$1" -nn -tt -A 2>/dev/null | awk -v rp="$2" -v up="$UPSTREAM_PORT" '
    function port(address,   parts, n) { n = split(address, parts, "."); return parts[n] }
    function packet() {
      if (len == 0) return
      if (dport == rp && payload ~ /(GET|POST) \//) { request = t; forwarded = 0; answered = 0 }
      else if (dport == up && request != "" && !forwarded && payload ~ /POST \//) {
        printf "request %.0f\n", (t - request) * 1e6; forwarded = 1
      } else if (sport == up && forwarded && !answered && match(payload, /"content":"[^"\\]+/)) {
        first = substr(payload, RSTART + 11, RLENGTH - 11); arrived = t; answered = 1
      } else if (sport == rp && answered == 1 && index(payload, first) > 0) {
        printf "response %.0f\n", (t - arrived) * 1e6; answered = 2
      }
    }
    /^[0-9]+\.[0-9]+ IP / {
      packet(); t = $1; sport = port($3); dport = $5; sub(/:$/, "", dport); dport = port(dport)
      len = $NF; payload = ""; next
    }
    { payload = payload $0 "\n" }
    END { packet() }' \
    | jq -c -R -s "$JQ_DEFS"'
      split("\n") | map(select(length > 0) | split(" ") | {k: .[0], v: (.[1] | tonumber)})
      | {streams: (map(select(.k == "response")) | length),
         request_path_us: (map(select(.k == "request") | .v) | summary),
         response_path_us: (map(select(.k == "response") | .v) | summary)}'
}

# turnaround PCAP PORT: from each request reaching PORT to the first packet of its answer, in µs, by
# the kernel's packet times, one request at a time on a connection. Prints {"requests": n, p50, p90, p99}.
turnaround() {
  tcpdump -r "$1" -nn -tt 2>/dev/null | awk -v p="$2" '
    $NF == 0 { next }
    { n = split($3, address, "."); from = address[n] }
    from != p { asked = $1; next }
    asked != "" { printf "%.0f\n", ($1 - asked) * 1e6; asked = "" }' \
    | jq -c -R -s "$JQ_DEFS"' split("\n") | map(select(length > 0) | tonumber) | {requests: length} + summary'
}

# nginx_floor SECONDS RATE...: how long nginx takes to answer a request that needs nothing but
# itself (/floor, a 204), on one connection: for SECONDS at each RATE a second (at most 5,000
# requests), as a lone caller's packets come with pauses between them, then 1,000 back to back. By
# packet times. The difference is what waking an idle CPU costs on this machine: any relay pays it
# for each packet that finds it asleep, whatever its own work. Prints {"paced": [{"rate_per_s", and
# turnaround's figures}, ...], "back_to_back": {...}}.
nginx_floor() {
  local seconds="$1" rate paced='[]'
  shift
  ensure_debian_package curl curl "the floor (FIRST_SPLIT)"
  for rate in "$@"; do
    paced=$(jq -c --argjson r "$rate" --argjson t "$(floor_turnaround $((rate * seconds > 5000 ? 5000 : rate * seconds)) --rate "$rate/s")" \
      '. + [{rate_per_s: $r} + $t]' <<<"$paced")
  done
  jq -n -c --argjson p "$paced" --argjson f "$(floor_turnaround 1000)" '{paced: $p, back_to_back: $f}'
}

# floor_turnaround REQUESTS [CURL OPTIONS]: turnaround's figures for REQUESTS of nginx's /floor, one
# after the other on one connection.
floor_turnaround() {
  local pcap="$LOG_DIR/nginx-floor.pcap" requests="$1"
  shift
  start_capture "$pcap" "$NGINX_PORT"
  curl -fsS -o /dev/null "$@" "http://127.0.0.1:$NGINX_PORT/floor?[1-$requests]"
  stop_capture
  turnaround "$pcap" "$NGINX_PORT"
  rm -f "$pcap"
}

# start_nginx: nginx as the C reference relay of scenario 1, in front of the upstream: one process
# that is its only worker (so that its CPU is the relay's), proxy_buffering off so each chunk is
# passed on as it comes, keep-alive connections to the upstream. Sets NGINX_PID.
start_nginx() {
  ensure_nginx
  port_free "$NGINX_PORT" || die "port $NGINX_PORT is in use (set BENCH_NGINX_PORT)"
  local dir="$LOG_DIR/nginx" i
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  upstream bench_upstream { server 127.0.0.1:$UPSTREAM_PORT; keepalive 1024; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    # nginx_floor's request: answered by nginx alone, no upstream.
    location = /floor { return 204; }
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
CONF
  "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
      log "nginx ready (pid $NGINX_PID, $("$NGINX_BIN" -v 2>&1 | sed 's/.*: //'))"
      return
    fi
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$dir/stdout.log" "$dir/error.log" >&2; die "nginx exited"; }
    sleep 0.1
  done
  die "nginx not listening after 10 s"
}

# start_upstream CHUNKS INTERVAL_MS FIRST_TOKEN_MS [more upstream options]: sets UPSTREAM_PID.
start_upstream() {
  port_free "$UPSTREAM_PORT" || die "port $UPSTREAM_PORT is in use (set BENCH_UPSTREAM_PORT)"
  local out="$LOG_DIR/upstream.log"
  # shellcheck disable=SC2086
  java $UPSTREAM_JAVA_OPTS -jar "$BENCH_JAR" upstream --host 127.0.0.1 --port "$UPSTREAM_PORT" \
    --chunks "$1" --chunk-interval-ms "$2" --first-token-delay-ms "$3" "${@:4}" >"$out" 2>&1 &
  UPSTREAM_PID=$!
  BENCH_PIDS+=("$UPSTREAM_PID")
  wait_ready "$out" "$UPSTREAM_PID" upstream
  log "upstream: $1 chunks, $2 ms apart, first token $3 ms"
}

# start_service [VAR=value ...]: the service's jar in front of the bench upstream; sets SERVICE_PID.
# SERVICE_ARGS, when set, is passed to the jar (e.g. --conf FILE).
# Callers are not authenticated (CALLER_AUTH=none) unless a scenario gives a keys file.
# The campaign cache is off unless a scenario turns it on: every caller asks for the same brand,
# and the streaming scenarios measure streams from the upstream, not replays from the cache.
start_service() {
  port_free "$SERVICE_PORT" || die "port $SERVICE_PORT is in use (set BENCH_SERVICE_PORT)"
  local out="$LOG_DIR/service.log"
  # shellcheck disable=SC2086
  env OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" OPENAI_API_KEY=bench-not-a-key \
    HTTP_HOST=127.0.0.1 HTTP_PORT="$SERVICE_PORT" HTTP_DRAIN_TIMEOUT_MS=1000 CACHE_ENABLED=false CALLER_AUTH=none "$@" \
    java $SERVICE_JAVA_OPTS -Xlog:gc:file="$LOG_DIR/service-gc.log":uptime -jar "$SERVICE_JAR" ${SERVICE_ARGS:-} >"$out" 2>&1 &
  SERVICE_PID=$!
  BENCH_PIDS+=("$SERVICE_PID")
  local i
  for i in $(seq 1 300); do
    if http_ok "/health/ready"; then
      log "service ready (pid $SERVICE_PID) with $SERVICE_JAVA_OPTS ${*:-}"
      return
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -20 "$out" >&2; die "service exited"; }
    sleep 0.2
  done
  die "service not ready after 60 s"
}

# start_worker_node CLUSTER [VAR=value ...]: a node of OpenAI workers only, in front of the bench
# upstream, clustered as CLUSTER (it serves its metrics and health on BENCH_WORKER_PORT, 18485 by
# default); sets WORKER_PID. Its JVM takes WORKER_JAVA_OPTS (the service's by default). An HTTP node
# started with CLUSTER_ENABLED=true NODE_ROLE=http and the same CLUSTER_NAME streams through it:
# start_service's readiness waits for a worker to answer.
start_worker_node() {
  local cluster="$1" port="${BENCH_WORKER_PORT:-18485}" opts="${WORKER_JAVA_OPTS:-$SERVICE_JAVA_OPTS}"
  shift
  port_free "$port" || die "port $port is in use (set BENCH_WORKER_PORT)"
  # shellcheck disable=SC2086
  env OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" OPENAI_API_KEY=bench-not-a-key \
    HTTP_HOST=127.0.0.1 HTTP_PORT="$port" CACHE_ENABLED=false CLUSTER_NAME="$cluster" NODE_NAME=bench-worker "$@" \
    java $opts -Xlog:gc:file="$LOG_DIR/worker-gc.log":uptime -jar "$SERVICE_JAR" --cluster --role worker \
    >"$LOG_DIR/worker.log" 2>&1 &
  WORKER_PID=$!
  BENCH_PIDS+=("$WORKER_PID")
  log "worker node started (pid $WORKER_PID, cluster $cluster) with $opts"
}

http_ok() {
  if command -v curl >/dev/null; then
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$SERVICE_PORT$1"
  else
    port_free "$SERVICE_PORT" && return 1 || return 0
  fi
}

service_alive() {
  kill -0 "$SERVICE_PID" 2>/dev/null || { tail -5 "$LOG_DIR/service.log" >&2; die "the service (pid $SERVICE_PID) is gone"; }
}

# A gauge of the service's /metrics, e.g. metric 'campaign_streams_active{side="http"}'.
metric() {
  command -v curl >/dev/null || { echo -1; return; }
  curl -fs --max-time 1 "http://127.0.0.1:$SERVICE_PORT/metrics" 2>/dev/null \
    | awk -v m="$1" 'index($0, m " ") == 1 { print $2; found=1 } END { if (!found) print -1 }' || true
}

# Live heap of a JVM in kB: forces a full GC (jcmd GC.class_histogram) and sums what survived.
# With a second argument, the whole histogram is kept in that file.
live_heap_kb() {
  jcmd "$1" GC.class_histogram 2>/dev/null | tee "${2:-/dev/null}" | awk '/^Total/ { printf "%d", $3 / 1024; found = 1 } END { if (!found) print -1 }' || true
}

# live_heap_at PID OUT SECONDS...: in the background, the live heap at each offset (from now): "s kB" lines.
live_heap_at() {
  local pid="$1" out="$2"; shift 2
  (
    prev=0
    for at in "$@"; do
      sleep $((at - prev)); prev=$at
      kill -0 "$pid" 2>/dev/null || break
      printf '%s %s\n' "$at" "$(live_heap_kb "$pid" "$out.histogram-$at")" >>"$out"
    done
  ) &
  LIVE_PID=$!
  BENCH_PIDS+=("$LIVE_PID")
}

# wait_pid PID SECONDS: waits (bounded) for a background helper of ours to finish.
wait_pid() {
  local i
  for i in $(seq 1 $(( $2 * 5 ))); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.2
  done
}

# The service's own count of its failures so far, from its /metrics, as a JSON object of two
# groups by kind: "upstream", OpenAI failures (campaign_upstream_failures_total: every failed
# attempt, retried or not), and "callers", the errors callers got (campaign_caller_errors_total,
# summed over statuses: OpenAI's that reached them and the service's own, e.g. handshake_failed or
# shed).
service_failures() {
  { curl -fs --max-time 5 "http://127.0.0.1:$SERVICE_PORT/metrics" 2>/dev/null || true; } | awk '
    function add(group) {
      if (!match($0, /kind="[^"]*"/)) return
      kind = substr($0, RSTART + 6, RLENGTH - 7)
      if (!((group, kind) in n)) keys[group] = keys[group] " " kind
      n[group, kind] += int($NF)
    }
    function json(group,   k, i, out) {
      split(keys[group], k, " ")
      for (i = 1; i in k; i++) out = out (i > 1 ? "," : "") "\"" k[i] "\":" n[group, k[i]]
      return "{" out "}"
    }
    /^campaign_upstream_failures_total\{/ { add("upstream") }
    /^campaign_caller_errors_total\{/ { add("callers") }
    END { print "{\"upstream\":" json("upstream") ",\"callers\":" json("callers") "}" }'
}

# The kernel's count of connections dropped because a listening socket's accept queue was full
# (all processes); -1 when /proc/net/netstat cannot be read. A dropped SYN costs the connecting
# side a retransmission of 1 s or more.
listen_overflows() {
  awk '/^TcpExt:/ { if (!h) { for (i = 2; i <= NF; i++) name[i] = $i; h = 1 }
                    else { for (i = 2; i <= NF; i++) if (name[i] == "ListenOverflows") { print $i; found = 1 } } }
       END { if (!found) print -1 }' /proc/net/netstat 2>/dev/null || echo -1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# CPU ticks (user + system, all threads) of a process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Busy ticks of the whole machine (all cores), to tell our processes' CPU from everyone else's.
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

ticks_to_s() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

# Per-thread CPU of a JVM from a thread dump (full thread names, "cpu=...ms"): "name ms" lines.
thread_cpu_ms() {
  jcmd "$1" Thread.print 2>/dev/null \
    | sed -n 's/^"\([^"]*\)".* cpu=\([0-9.]*\)ms.*/\1\t\2/p' \
    | awk -F'\t' '{ n = $1; gsub(/[^A-Za-z0-9._#-]/, "_", n); s[n] += $2 } END { for (k in s) print k, s[k] }' | sort
}

# thread_cpu_json BEFORE_FILE AFTER_FILE: top threads by CPU seconds between two snapshots.
thread_cpu_json() {
  join -a 2 -e 0 -o 0,1.2,2.2 "$1" "$2" \
    | awk '{ d = ($3 - $2) / 1000; if (d > 0.05) printf "%s %.2f\n", $1, d }' \
    | sort -k2 -nr | head -12 \
    | awk 'BEGIN { printf "{" } { printf "%s\"%s\":%s", (NR > 1 ? "," : ""), $1, $2 } END { printf "}" }'
}

# run_load LABEL [load options...]: runs the load generator in the foreground and prints its JSON line
# enriched with the CPU seconds of the service, the upstream and everything else on the machine.
run_load() {
  local label="$1"; shift
  local svc0=0 up0=0 busy0 svc1=0 up1=0 busy1 line status=0 px0=0 px1=0 ng0=0 ng1=0
  [[ -n "${SERVICE_PID:-}" ]] && svc0=$(cpu_ticks "$SERVICE_PID")
  [[ -n "${PROXY_PID:-}" ]] && px0=$(cpu_ticks "$PROXY_PID")
  [[ -n "${NGINX_PID:-}" ]] && ng0=$(cpu_ticks "$NGINX_PID")
  [[ -n "${UPSTREAM_PID:-}" ]] && up0=$(cpu_ticks "$UPSTREAM_PID")
  busy0=$(machine_busy_ticks)
  # shellcheck disable=SC2086
  line=$(java $LOAD_JAVA_OPTS -jar "$BENCH_JAR" load --label "$label" "$@" 2>"$LOG_DIR/load-$label.err") || status=$?
  busy1=$(machine_busy_ticks)
  [[ -n "${SERVICE_PID:-}" ]] && svc1=$(cpu_ticks "$SERVICE_PID")
  [[ -n "${UPSTREAM_PID:-}" ]] && up1=$(cpu_ticks "$UPSTREAM_PID")
  [[ -n "${PROXY_PID:-}" ]] && px1=$(cpu_ticks "$PROXY_PID")
  [[ -n "${NGINX_PID:-}" ]] && ng1=$(cpu_ticks "$NGINX_PID")
  cat "$LOG_DIR/load-$label.err" >&2
  [[ -n "$line" ]] || die "load generator printed no result (exit $status)"
  local svc_s up_s busy_s px_s ng_s
  svc_s=$(ticks_to_s $((svc1 - svc0))); up_s=$(ticks_to_s $((up1 - up0))); busy_s=$(ticks_to_s $((busy1 - busy0)))
  px_s=$(ticks_to_s $((px1 - px0))); ng_s=$(ticks_to_s $((ng1 - ng0)))
  # Other = machine busy time not spent by the service, the upstream or the load generator.
  local client_s other_s
  client_s=$(printf '%s' "$line" | sed -n 's/.*"client_cpu_s":\([0-9.]*\).*/\1/p')
  other_s=$(awk -v b="$busy_s" -v a="$svc_s" -v u="$up_s" -v c="${client_s:-0}" -v p="$px_s" -v n="$ng_s" 'BEGIN { o = b - a - u - c - p - n; printf "%.2f", (o < 0 ? 0 : o) }')
  printf '%s\n' "$line" | sed -e "s/}\$/,\"service_cpu_s\":$svc_s,\"upstream_cpu_s\":$up_s,\"proxy_cpu_s\":$px_s,\"nginx_cpu_s\":$ng_s,\"machine_busy_cpu_s\":$busy_s,\"other_processes_cpu_s\":$other_s,\"load_exit\":$status}/"
}

# Waits (up to MAX seconds, default 90) until the machine is quiet: less than a fifth of a core busy
# over 2 s while our own processes are idle. Other work on a shared machine skews every figure; the
# results record the CPU that other processes used during each run either way.
wait_quiet() {
  local max="${1:-${BENCH_QUIET_WAIT_S:-90}}" waited=0 b0 b1 busy=0
  (( max > 0 )) || return 0   # BENCH_QUIET_WAIT_S=0: measure at once
  while (( waited < max )); do
    b0=$(machine_busy_ticks); sleep 2; b1=$(machine_busy_ticks)
    busy=$(( (b1 - b0) * 100 / (2 * CLK_TCK) ))   # percent of one core
    (( busy < 20 )) && return 0
    (( waited == 0 )) && log "machine busy ($busy % of a core, not us): waiting up to $max s for it to calm down"
    waited=$((waited + 2))
  done
  log "machine still busy after $max s ($busy % of a core); measuring anyway (see other_processes_cpu_s)"
}

# sample_rss PID SECONDS INTERVAL OUT: "elapsed_s rss_kb http_streams_active" lines, in the background;
# sets SAMPLER_PID. Bounded by SECONDS.
sample_rss() {
  local pid="$1" seconds="$2" every="$3" out="$4"
  (
    start=$(date +%s.%N)
    n=$(awk -v s="$seconds" -v e="$every" 'BEGIN { print int(s / e) + 1 }')
    for i in $(seq 1 "$n"); do
      kill -0 "$pid" 2>/dev/null || break
      now=$(date +%s.%N)
      active=-1   # the scrape is not free under load: every fifth sample only
      (( i % 5 == 1 )) && active=$(metric 'campaign_streams_active{side="http"}')
      printf '%s %s %s\n' "$(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')" \
        "$(rss_kb "$pid")" "$active" >>"$out"
      sleep "$every"
    done
  ) &
  SAMPLER_PID=$!
  BENCH_PIDS+=("$SAMPLER_PID")
}

machine_json() {
  local mem java_v
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  java_v=$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')
  printf '{"nproc":%s,"memory":"%s","java":"%s","kernel":"%s"}' "$(nproc)" "$mem" "$java_v" "$(uname -r)"
}
