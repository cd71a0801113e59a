package dev.campaignstream.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per upstream: calls, failures by kind, failovers, tokens, the remaining limits its headers
 * told, its circuit, its open streams and its time to first token; and the wait for an upstream.
 * The label values are the configured names and fixed kinds, so the series stay bounded.
 */
public final class UpstreamMetrics {

  private final MeterRegistry registry;
  private final Map<String, Meters> byName = new HashMap<>();
  private final Map<String, Timer> waits = new HashMap<>();

  private record Meters(Counter calls, Counter prompt, Counter completion, Timer firstToken) {
  }

  private UpstreamMetrics(MeterRegistry registry, Upstreams upstreams) {
    this.registry = registry;
    for (UpstreamShare share : upstreams.all()) {
      String name = share.name();
      byName.put(name, new Meters(
          Counter.builder("campaign.upstream.calls").tag("upstream", name)
              .description("Calls made to each upstream, retries and failovers included").register(registry),
          tokens(name, "prompt"), tokens(name, "completion"),
          Timer.builder("campaign.upstream.time.to.first.token").tag("upstream", name)
              .description("From each call to an upstream to its first piece of text")
              .publishPercentileHistogram().register(registry)));
      gauge("campaign.upstream.streams", name, "Streams each upstream holds now on this node", share::streams);
      gauge("campaign.upstream.circuit.state", name, "Each upstream's circuit: 0 closed, 1 half-open, 2 open",
          share::circuitState);
      gauge("campaign.upstream.available", name, "1 while the upstream takes new streams, 0 while it cannot",
          () -> share.refusal() == null ? 1 : 0);
      Gauge.builder("campaign.upstream.remaining", share.limits()::remainingRequests).tag("upstream", name)
          .tag("limit", "requests").description("The upstream's latest x-ratelimit-remaining-*; -1 before it said")
          .strongReference(true).register(registry);
      Gauge.builder("campaign.upstream.remaining", share.limits()::remainingTokens).tag("upstream", name)
          .tag("limit", "tokens").description("The upstream's latest x-ratelimit-remaining-*; -1 before it said")
          .strongReference(true).register(registry);
    }
    Gauge.builder("campaign.upstream.queue.waiting", upstreams::waiting)
        .description("Streams waiting for an upstream that can take them").strongReference(true).register(registry);
    Gauge.builder("campaign.upstream.pool.waiting", upstreams::waitingForConnection)
        .description("Streams waiting because this node's connections to the upstreams are all in use")
        .strongReference(true).register(registry);
    for (String outcome : new String[] {"served", "timed_out", "left"}) {
      waits.put(outcome, Timer.builder("campaign.upstream.queue.wait").tag("outcome", outcome)
          .description("Time streams waited for an upstream, by how the wait ended")
          .publishPercentileHistogram().register(registry));
    }
  }

  public static UpstreamMetrics create(MeterRegistry registry, Upstreams upstreams) {
    return new UpstreamMetrics(registry == null ? new CompositeMeterRegistry() : registry, upstreams);
  }

  public void call(String upstream) {
    byName.get(upstream).calls().increment();
  }

  public void failed(String upstream, String kind) {
    Counter.builder("campaign.upstream.errors").tag("upstream", upstream).tag("kind", kind)
        .description("Failed calls to each upstream, by kind").register(registry).increment();
  }

  /** A stream moved from {@code upstream} to another before any text, after a failure of {@code kind}. */
  public void failover(String upstream, String kind) {
    Counter.builder("campaign.upstream.failovers").tag("upstream", upstream).tag("kind", kind)
        .description("Streams moved to another upstream before their first text, by the upstream left and why")
        .register(registry).increment();
  }

  public void firstToken(String upstream, long nanos) {
    byName.get(upstream).firstToken().record(nanos, TimeUnit.NANOSECONDS);
  }

  public void usage(String upstream, JsonObject usage) {
    if (usage != null) {
      Meters meters = byName.get(upstream);
      meters.prompt().increment(usage.getLong("prompt_tokens", 0L));
      meters.completion().increment(usage.getLong("completion_tokens", 0L));
    }
  }

  /** A wait ended: {@code served}, {@code timed_out} or {@code left}. */
  public void waited(String outcome, long nanos) {
    waits.get(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A stream no upstream could take, answered at once or after its wait, by reason. */
  public void refused(String reason) {
    Counter.builder("campaign.upstream.refusals").tag("reason", reason)
        .description("Streams no upstream could take, by why: capacity, rate_limited, unavailable, queue_full")
        .register(registry).increment();
  }

  private Counter tokens(String upstream, String type) {
    return Counter.builder("campaign.upstream.tokens").tag("upstream", upstream).tag("type", type)
        .description("Tokens used at each upstream, as its usage said").register(registry);
  }

  private void gauge(String name, String upstream, String description, java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value).tag("upstream", upstream).description(description).strongReference(true)
        .register(registry);
  }
}
