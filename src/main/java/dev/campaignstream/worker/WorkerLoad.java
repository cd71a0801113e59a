package dev.campaignstream.worker;

import dev.campaignstream.ops.WorkerHealth;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the workers of one node hold right now, shared by its worker instances: open streams,
 * and chunks parsed from OpenAI but waiting for the caller's credit. Both must return to zero
 * when the streams end, whatever way they end.
 */
public final class WorkerLoad implements WorkerHealth {

  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicLong bufferedChunks = new AtomicLong();
  private final Set<CircuitBreaker> breakers = new CopyOnWriteArraySet<>();

  /** The worst state among the node's circuit breakers: 0 closed, 1 half-open, 2 open. */
  public int circuitState() {
    int worst = 0;
    for (CircuitBreaker breaker : breakers) {
      CircuitBreakerState state = breaker.state();
      worst = Math.max(worst, state == CircuitBreakerState.OPEN ? 2 : state == CircuitBreakerState.HALF_OPEN ? 1 : 0);
    }
    return worst;
  }

  @Override
  public List<String> circuits() {
    return breakers.stream().map(breaker -> breaker.state().name()).sorted().toList();
  }

  void track(CircuitBreaker breaker) {
    breakers.add(breaker);
  }

  void untrack(CircuitBreaker breaker) {
    breakers.remove(breaker);
  }

  public int streams() {
    return streams.get();
  }

  public long bufferedChunks() {
    return bufferedChunks.get();
  }

  void streamOpened() {
    streams.incrementAndGet();
  }

  void streamClosed() {
    streams.decrementAndGet();
  }

  void buffered(long delta) {
    bufferedChunks.addAndGet(delta);
  }
}
