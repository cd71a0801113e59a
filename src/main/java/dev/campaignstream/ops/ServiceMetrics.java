package dev.campaignstream.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's own metrics, all named {@code campaign_*} in Prometheus. Labels stay
 * low-cardinality: a representation, an outcome, a status, a failure kind; never a brand or an id.
 * Without a metrics registry (metrics disabled, unit tests) every call is a cheap no-op.
 */
public final class ServiceMetrics {

  private final MeterRegistry registry;
  private final Counter chunksToCallers;
  private final Counter shed;
  private final Counter retries;
  private final Counter promptTokens;
  private final Counter completionTokens;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter cacheShared;
  private final Counter sameLoopHandoffs;
  private final Counter otherHandoffs;
  private final Timer callerFirstToken;
  private final Timer upstreamFirstToken;
  /** Per key name, which only a key of the keys file has: bounded by that file. */
  private final Map<String, Counter[]> keyTokens = new ConcurrentHashMap<>();
  /** One per key name of the keys file (each reading's names, so bounded by what the operator declared). */
  private final Map<String, Counter> callerRequests = new ConcurrentHashMap<>();

  private ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.chunksToCallers = Counter.builder("campaign.chunks").description("Pieces of text written to callers")
        .register(registry);
    this.shed = Counter.builder("campaign.shed").description("Requests refused at once because the node was at its stream cap")
        .register(registry);
    this.retries = Counter.builder("campaign.upstream.retries").description("OpenAI calls retried before the first token")
        .register(registry);
    this.promptTokens = Counter.builder("campaign.tokens").tag("type", "prompt")
        .description("Tokens reported by OpenAI's usage").register(registry);
    this.completionTokens = Counter.builder("campaign.tokens").tag("type", "completion")
        .description("Tokens reported by OpenAI's usage").register(registry);
    this.cacheHits = cacheCounter("hit");
    this.cacheMisses = cacheCounter("miss");
    this.cacheShared = cacheCounter("shared");
    this.sameLoopHandoffs = handoffCounter("same_loop");
    this.otherHandoffs = handoffCounter("other");
    this.callerFirstToken = firstToken("caller");
    this.upstreamFirstToken = firstToken("upstream");
  }

  /** Metrics recorded in {@code registry}, or nowhere when it is null. */
  public static ServiceMetrics create(MeterRegistry registry) {
    return new ServiceMetrics(registry == null ? new CompositeMeterRegistry() : registry);
  }

  private Timer firstToken(String seenBy) {
    return Timer.builder("campaign.time.to.first.token").tag("seen_by", seenBy)
        .description("From the request to the first piece of text, as the caller or the worker saw it")
        .publishPercentileHistogram().register(registry);
  }

  private Counter cacheCounter(String result) {
    return Counter.builder("campaign.cache").tag("result", result)
        .description("Campaign requests by how they were answered: from the cache (hit), by joining a stream in"
            + " flight (shared), or by a new upstream call (miss)")
        .register(registry);
  }

  /** A value read when scraped, such as the streams open now. */
  public void gauge(String name, String side, String description, Supplier<Number> value) {
    Gauge.builder(name, value).tag("side", side).description(description).strongReference(true).register(registry);
  }

  /**
   * Streams shared across the nodes of a cluster: those this node writes for the cluster (it holds
   * their claims), those it follows from another node, and how many times it started following one.
   */
  public void sharedStreams(Supplier<Number> owned, Supplier<Number> followed, Supplier<Number> remoteJoins) {
    String description = "Campaign streams shared across nodes, by this node's role in each";
    Gauge.builder("campaign.shared.streams", owned).tag("role", "owner").description(description)
        .strongReference(true).register(registry);
    Gauge.builder("campaign.shared.streams", followed).tag("role", "follower").description(description)
        .strongReference(true).register(registry);
    FunctionCounter.builder("campaign.remote.joins", remoteJoins, value -> value.get().doubleValue())
        .description("Streams this node started following from another node").register(registry);
  }

  public void streamEnded(String representation, String outcome, long durationNanos) {
    Timer.builder("campaign.stream.duration").tag("representation", representation).tag("outcome", outcome)
        .description("Streams by representation and outcome (completed, cancelled, timed_out, failed)")
        .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  public void firstChunkToCaller(long nanos) {
    callerFirstToken.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void chunksToCaller(int pieces) {
    chunksToCallers.increment(pieces);
  }

  /** How one caller's campaign was answered: {@code hit}, {@code shared} or {@code miss}. */
  public void cache(String result) {
    switch (result) {
      case "hit" -> cacheHits.increment();
      case "shared" -> cacheShared.increment();
      case "miss" -> cacheMisses.increment();
      default -> throw new IllegalArgumentException("Unknown cache result " + result);
    }
  }

  /**
   * An error a campaign caller got, before its first text (as the response's status) or after it
   * (as the representation's error marker): which side gave up and why, e.g. {@code handshake_failed},
   * {@code worker_lost}, {@code circuit_open}, {@code cut}.
   */
  public void callerError(int status, String kind) {
    Counter.builder("campaign.caller.errors").tag("kind", kind).tag("status", Integer.toString(status))
        .description("Errors sent to campaign callers, by kind and status")
        .register(registry).increment();
  }

  private Counter handoffCounter(String worker) {
    return Counter.builder("campaign.worker.handoffs").tag("worker", worker)
        .description("New campaigns handed to a worker: the one on the HTTP verticle's own event loop, or another")
        .register(registry);
  }

  /** A new campaign went to a worker: the one on the HTTP verticle's own event loop, or another. */
  public void workerHandoff(boolean sameLoop) {
    (sameLoop ? sameLoopHandoffs : otherHandoffs).increment();
  }

  public void shed() {
    shed.increment();
  }

  public void firstTokenFromUpstream(long nanos) {
    upstreamFirstToken.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void upstreamStatus(int status) {
    Counter.builder("campaign.upstream.responses").tag("status", Integer.toString(status))
        .description("OpenAI answers by HTTP status").register(registry).increment();
  }

  public void upstreamFailure(String kind) {
    Counter.builder("campaign.upstream.failures").tag("kind", kind)
        .description("OpenAI failures by kind (connection, cut, malformed, timeouts, statuses)")
        .register(registry).increment();
  }

  public void retry() {
    retries.increment();
  }

  /** Tokens charged to a key: OpenAI's count, or the estimate of a stream cut before it. */
  public void keyTokens(String key, long prompt, long completion) {
    Counter[] counters = keyTokens.computeIfAbsent(key, name -> new Counter[] {
        keyTokenCounter(name, "prompt"), keyTokenCounter(name, "completion")});
    counters[0].increment(prompt);
    counters[1].increment(completion);
  }

  private Counter keyTokenCounter(String key, String type) {
    return Counter.builder("campaign.key.tokens").tag("key", key).tag("type", type)
        .description("Tokens charged to each caller key (prompt and completion; estimated for streams cut before"
            + " OpenAI's usage)")
        .register(registry);
  }

  /** A campaign request refused because its key was over {@code limit}. */
  public void keyRefused(String key, String limit) {
    Counter.builder("campaign.key.refusals").tag("key", key).tag("limit", limit)
        .description("Campaign requests refused (429) because their key was over a limit, by key and limit")
        .register(registry).increment();
  }

  public void usage(JsonObject usage) {
    if (usage != null) {
      promptTokens.increment(usage.getLong("prompt_tokens", 0L));
      completionTokens.increment(usage.getLong("completion_tokens", 0L));
    }
  }

  /** A request that presented a valid key, by the key's name (never the key). */
  public void callerRequest(String keyName) {
    callerRequests.computeIfAbsent(keyName, name -> Counter.builder("campaign.caller.requests").tag("key", name)
        .description("Requests that presented a valid caller key, by the key's name").register(registry)).increment();
  }

  /** A request refused for its key, by a fixed reason: missing, malformed, unknown, disabled. */
  public void authRefused(String reason) {
    Counter.builder("campaign.auth.refusals").tag("reason", reason)
        .description("Requests refused for their caller key, by reason (missing, malformed, unknown, disabled)")
        .register(registry).increment();
  }
}
