package dev.campaignstream.worker;

import dev.campaignstream.config.UpstreamSettings;
import dev.campaignstream.upstream.Refusal;
import dev.campaignstream.upstream.UpstreamShare;
import io.vertx.circuitbreaker.CircuitBreaker;

/**
 * One upstream as one worker instance calls it: the node's share of it, this instance's circuit
 * breaker, and the call through them.
 */
record Upstream(UpstreamShare share, CircuitBreaker breaker, UpstreamCall call, String host, int port) {

  String name() {
    return share.name();
  }

  UpstreamSettings settings() {
    return share.settings();
  }

  /** Why it cannot take a new stream from this instance now; null when it can. */
  Refusal refusal() {
    return share.refusal(breaker);
  }
}
