#!/usr/bin/env bash
# A few seconds of load through the service in front of the bench upstream. Exits non-zero when the
# harness is broken: no completed stream, or any error. For CI, after the tests; the service's jar
# must be built already (mvn -DskipTests package), this script installs it and builds bench/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ -f "$SERVICE_JAR" ]] || die "build the service first: mvn -q -DskipTests package"
build_all
start_upstream 20 5 2
start_service
start_proxy
start_nginx
status=0
run_load smoke-service --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
  --accept text/event-stream --concurrency 20 --duration 3 --drain 10 --request-timeout-ms 10000 \
  --service-metrics "http://127.0.0.1:$SERVICE_PORT/metrics" \
  --fail-on-error --min-completed 1 >"$LOG_DIR/smoke.json" || status=$?
# The service's own first-token histogram was read over the window (scenario 1 reports it).
grep -q '"service_first_token_ms":{"caller":{"count":[1-9]' "$LOG_DIR/smoke.json" || status=1
# A fixed total reads it too, over the whole run (scenario 2 reports it).
run_load smoke-total --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" \
  --concurrency 5 --requests 10 --request-timeout-ms 10000 \
  --service-metrics "http://127.0.0.1:$SERVICE_PORT/metrics" \
  --fail-on-error --min-completed 10 >>"$LOG_DIR/smoke.json" || status=$?
grep -q '"label":"smoke-total".*"service_first_token_ms":{"caller":{"count":10,' "$LOG_DIR/smoke.json" || status=1
# The service's failure counts are readable (scenario 2 reports them), and there were none.
failures=$(service_failures)
log "service failures: $failures"
[[ "$failures" == '{"upstream":{},"callers":{}}' ]] || status=1
run_load smoke-direct --mode direct --url "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" \
  --concurrency 5 --duration 1 --drain 10 --request-timeout-ms 10000 \
  --fail-on-error --min-completed 1 >>"$LOG_DIR/smoke.json" || status=$?
run_load smoke-proxy --mode direct --url "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" \
  --concurrency 5 --duration 1 --drain 10 --request-timeout-ms 10000 \
  --fail-on-error --min-completed 1 >>"$LOG_DIR/smoke.json" || status=$?
run_load smoke-nginx --mode direct --url "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" \
  --concurrency 5 --duration 1 --drain 10 --request-timeout-ms 10000 \
  --fail-on-error --min-completed 1 >>"$LOG_DIR/smoke.json" || status=$?
# The reference relay on Netty alone (PROXY_KIND=netty-relay) relays the upstream's streams too.
PROXY_KIND=netty-relay PROXY_PORT=$((PROXY_PORT + 10)) start_proxy
run_load smoke-netty-relay --mode direct --url "http://127.0.0.1:$((PROXY_PORT + 10))/v1/chat/completions" \
  --concurrency 5 --duration 1 --drain 10 --request-timeout-ms 10000 \
  --fail-on-error --min-completed 1 >>"$LOG_DIR/smoke.json" || status=$?
# The first text is found in the upstream's event stream (the first-text scenario times it).
grep -q '"label":"smoke-direct".*"first_text_ms":{"p50":0.0,' "$LOG_DIR/smoke.json" && status=1
# FIRST_SPLIT's packet split finds both paths of a lone caller's streams through the service.
start_capture "$LOG_DIR/smoke.pcap" "$SERVICE_PORT"
run_load smoke-split --url "http://127.0.0.1:$SERVICE_PORT/campaign?prompt=Acme%20Coffee" --accept text/plain \
  --concurrency 1 --duration 1 --request-timeout-ms 10000 \
  --fail-on-error --min-completed 1 >>"$LOG_DIR/smoke.json" || status=$?
stop_capture
split=$(packet_split "$LOG_DIR/smoke.pcap" "$SERVICE_PORT")
log "first-text split: $split"
jq -e '.streams >= 1 and .request_path_us.p50 > 0 and .response_path_us != null' <<<"$split" >/dev/null || status=1
# FIRST_SPLIT's floor: nginx's own turnaround, paced and back to back.
floor=$(nginx_floor 1 40)
log "nginx floor: $floor"
jq -e '.paced[0].requests == 40 and .paced[0].p50 > 0 and .back_to_back.requests == 1000' <<<"$floor" >/dev/null || status=1
if grep -q '"load_exit":[1-9]' "$LOG_DIR/smoke.json"; then
  status=1
fi
cat "$LOG_DIR/smoke.json"
if (( status != 0 )); then
  log "smoke: FAILED (service log: $LOG_DIR/service.log)"
  exit 1
fi
log "smoke: passed"
