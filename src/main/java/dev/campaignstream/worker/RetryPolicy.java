package dev.campaignstream.worker;

import dev.campaignstream.config.RetrySettings;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * When a failed OpenAI call is tried again: only while no text has reached the caller, within a
 * number of attempts and a total wait. Waits grow exponentially with full jitter: the n-th wait is
 * drawn uniformly from 0 to {@code min(maxBackoffMs, initialBackoffMs * 2^(n-1))}, so that callers
 * failed by one outage do not come back in step. OpenAI's own Retry-After, when it sends one, is
 * used as given instead.
 */
final class RetryPolicy {

  private final RetrySettings settings;
  private final LongUnaryOperator draw;

  RetryPolicy(RetrySettings settings) {
    this(settings, ceiling -> ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  /** @param draw picks a wait from 0 to the given ceiling, both included */
  RetryPolicy(RetrySettings settings, LongUnaryOperator draw) {
    this.settings = settings;
    this.draw = draw;
  }

  /** The wait before attempt {@code failed + 1}, after {@code failed} attempts failed. */
  long backoffMs(int failed, Long retryAfterMs) {
    if (retryAfterMs != null) {
      return retryAfterMs;
    }
    long ceiling = Math.min(settings.maxBackoffMs(), settings.initialBackoffMs() << Math.min(20, failed - 1));
    return draw.applyAsLong(ceiling);
  }

  /** Whether another attempt may follow {@code failed} failed ones, having waited {@code waitedMs} so far. */
  boolean allows(int failed, long waitedMs, long backoffMs) {
    return failed < settings.maxAttempts() && waitedMs + backoffMs <= settings.maxTotalWaitMs();
  }

  int maxAttempts() {
    return settings.maxAttempts();
  }
}
