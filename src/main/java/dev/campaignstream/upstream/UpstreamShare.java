package dev.campaignstream.upstream;

import dev.campaignstream.config.UpstreamSettings;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream as the whole worker node sees it, shared by its worker instances: the streams it
 * holds (each holds one connection over HTTP/1.1), what its rate-limit headers said, and the
 * circuit breaker of each worker instance.
 */
public final class UpstreamShare {

  private final UpstreamSettings settings;
  private final int maxConnections;
  private final long circuitResetMs;
  private final AtomicInteger streams = new AtomicInteger();
  private final RateLimitWindow limits = new RateLimitWindow(System::currentTimeMillis);
  private final Set<CircuitBreaker> breakers = new CopyOnWriteArraySet<>();

  /** @param maxConnections this node's connections to it, all worker instances together */
  public UpstreamShare(UpstreamSettings settings, int maxConnections, long circuitResetMs) {
    this.settings = settings;
    this.maxConnections = maxConnections;
    this.circuitResetMs = circuitResetMs;
  }

  public UpstreamSettings settings() {
    return settings;
  }

  public String name() {
    return settings.name();
  }

  public RateLimitWindow limits() {
    return limits;
  }

  public int streams() {
    return streams.get();
  }

  /**
   * Takes a connection's place for one attempt, unless the node holds all it may: checked and
   * counted in one step, since the worker instances take places at the same time.
   */
  public boolean hold() {
    int cap = cap();
    return streams.getAndUpdate(held -> held < cap ? held + 1 : held) < cap;
  }

  public void release() {
    streams.decrementAndGet();
  }

  /** Why it cannot take a new stream now, on the worker instance whose breaker is {@code breaker}; null when it can. */
  public Refusal refusal(CircuitBreaker breaker) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      return new Refusal(Refusal.Reason.CIRCUIT_OPEN, circuitResetMs);
    }
    return refusalOfNode();
  }

  /**
   * Why the node cannot count on it for new streams; null when it can. Open on one worker instance
   * is enough: the bus spreads new streams over all of them, and that instance's share would fail.
   */
  public Refusal refusal() {
    if (breakers.stream().anyMatch(breaker -> breaker.state() == CircuitBreakerState.OPEN)) {
      return new Refusal(Refusal.Reason.CIRCUIT_OPEN, circuitResetMs);
    }
    return refusalOfNode();
  }

  /** The state of each worker instance's breaker, sorted: {@code CLOSED}, {@code HALF_OPEN}, {@code OPEN}. */
  public java.util.List<String> circuits() {
    return breakers.stream().map(breaker -> breaker.state().name()).sorted().toList();
  }

  private Refusal refusalOfNode() {
    long closed = limits.closedForMillis();
    if (closed > 0) {
      return new Refusal(Refusal.Reason.RATE_LIMITED, closed);
    }
    int held = streams.get();
    if (settings.maxConcurrentStreams() > 0 && held >= settings.maxConcurrentStreams()) {
      return new Refusal(Refusal.Reason.AT_CAP, 0);
    }
    return held >= maxConnections ? new Refusal(Refusal.Reason.NO_CONNECTION, 0) : null;
  }

  /** The worst circuit state of the node's instances: 0 closed, 1 half-open, 2 open. */
  public int circuitState() {
    int worst = 0;
    for (CircuitBreaker breaker : breakers) {
      CircuitBreakerState state = breaker.state();
      worst = Math.max(worst, state == CircuitBreakerState.OPEN ? 2 : state == CircuitBreakerState.HALF_OPEN ? 1 : 0);
    }
    return worst;
  }

  public void track(CircuitBreaker breaker) {
    breakers.add(breaker);
  }

  public void untrack(CircuitBreaker breaker) {
    breakers.remove(breaker);
  }

  private int cap() {
    int cap = settings.maxConcurrentStreams();
    return cap > 0 ? Math.min(cap, maxConnections) : maxConnections;
  }
}
