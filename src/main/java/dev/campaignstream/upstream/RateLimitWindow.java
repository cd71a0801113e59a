package dev.campaignstream.upstream;

import io.vertx.core.MultiMap;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What an upstream's recent answers said of its rate limits ({@code x-ratelimit-remaining-requests},
 * {@code -tokens} and their {@code x-ratelimit-reset-*}): while either is used up, the upstream
 * takes no new stream until its reset. Shared by the worker instances of a node; the latest
 * answer wins, as each answer tells the whole state.
 */
public final class RateLimitWindow {

  /** When no header says how long a 429 lasts (some of Azure's carry none). */
  static final long DEFAULT_PAUSE_MS = 1000;

  private final LongSupplier clock;
  private volatile long remainingRequests = -1;
  private volatile long remainingTokens = -1;
  private volatile long closedUntilMillis;

  /** @param clock milliseconds, e.g. {@code System::currentTimeMillis} */
  public RateLimitWindow(LongSupplier clock) {
    this.clock = clock;
  }

  /** Reads the rate-limit headers of one answer. */
  public void observe(MultiMap headers) {
    long now = clock.getAsLong();
    OptionalLong requests = number(headers.get("x-ratelimit-remaining-requests"));
    OptionalLong tokens = number(headers.get("x-ratelimit-remaining-tokens"));
    requests.ifPresent(value -> remainingRequests = value);
    tokens.ifPresent(value -> remainingTokens = value);
    long until = 0;
    if (requests.isPresent() && requests.getAsLong() <= 0) {
      until = Math.max(until, now + reset(headers.get("x-ratelimit-reset-requests")));
    }
    if (tokens.isPresent() && tokens.getAsLong() <= 0) {
      until = Math.max(until, now + reset(headers.get("x-ratelimit-reset-tokens")));
    }
    if (until > 0) {
      closedUntilMillis = Math.max(closedUntilMillis, until);
    } else if (requests.isPresent() || tokens.isPresent()) {
      // A later answer that has room again opens the window early.
      closedUntilMillis = 0;
    }
  }

  /** A 429: no new stream for {@code retryAfterMs}, or what its headers say, or a moment. */
  public void refused(MultiMap headers, Long retryAfterMs) {
    observe(headers);
    long now = clock.getAsLong();
    long pause = retryAfterMs != null ? retryAfterMs : Math.max(0, closedUntilMillis - now);
    closedUntilMillis = Math.max(closedUntilMillis, now + (pause > 0 ? pause : DEFAULT_PAUSE_MS));
  }

  /** Milliseconds until the upstream may take new streams again; 0 when it may now. */
  public long closedForMillis() {
    return Math.max(0, closedUntilMillis - clock.getAsLong());
  }

  /** The latest {@code x-ratelimit-remaining-requests}; -1 before any answer said. */
  public long remainingRequests() {
    return remainingRequests;
  }

  /** The latest {@code x-ratelimit-remaining-tokens}; -1 before any answer said. */
  public long remainingTokens() {
    return remainingTokens;
  }

  private static long reset(String value) {
    return ResetDuration.parseMillis(value).orElse(DEFAULT_PAUSE_MS);
  }

  private static OptionalLong number(String value) {
    if (value == null || value.isBlank() || value.length() > 19) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
