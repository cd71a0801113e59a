package dev.campaignstream.simulator;

import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * OpenAI's rate limits as the simulator plays them: so many requests and tokens per window, the
 * window starting with its first request. Every answer carries {@code x-ratelimit-limit-*},
 * {@code -remaining-*} and {@code -reset-*} (in OpenAI's duration format, e.g. {@code 6m0s},
 * {@code 20ms}); a request beyond the limit gets OpenAI's 429. One instance may be shared by
 * several simulators (the bench runs one per event loop), so it is thread-safe.
 */
public final class RateLimits {

  private final int requests;
  private final long tokens;
  private final long tokensPerRequest;
  private final long windowNanos;
  private long windowStart = Long.MIN_VALUE;
  private int usedRequests;
  private long usedTokens;

  /**
   * @param requests         requests per window
   * @param tokens           tokens per window
   * @param tokensPerRequest what each request is counted as using
   */
  public RateLimits(int requests, long tokens, long tokensPerRequest, Duration window) {
    if (requests < 1 || tokens < 1 || tokensPerRequest < 0 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("limits and the window must be positive");
    }
    this.requests = requests;
    this.tokens = tokens;
    this.tokensPerRequest = tokensPerRequest;
    this.windowNanos = window.toNanos();
  }

  /** So many requests per window, tokens plenty. */
  public static RateLimits requestsPer(int requests, Duration window) {
    return new RateLimits(requests, 150_000_000L, 500, window);
  }

  /** What one request was let through with, or that it was refused. */
  record Decision(boolean allowed, int remainingRequests, long remainingTokens, long resetNanos) {
  }

  synchronized Decision take() {
    long now = System.nanoTime();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= windowNanos) {
      windowStart = now;
      usedRequests = 0;
      usedTokens = 0;
    }
    long reset = windowStart + windowNanos - now;
    if (usedRequests >= requests || usedTokens + tokensPerRequest > tokens) {
      return new Decision(false, requests - usedRequests, tokens - usedTokens, reset);
    }
    usedRequests++;
    usedTokens += tokensPerRequest;
    return new Decision(true, requests - usedRequests, tokens - usedTokens, reset);
  }

  void put(HttpServerResponse response, Decision decision) {
    String reset = duration(decision.resetNanos());
    response.putHeader("x-ratelimit-limit-requests", Integer.toString(requests))
        .putHeader("x-ratelimit-remaining-requests", Integer.toString(decision.remainingRequests()))
        .putHeader("x-ratelimit-reset-requests", reset)
        .putHeader("x-ratelimit-limit-tokens", Long.toString(tokens))
        .putHeader("x-ratelimit-remaining-tokens", Long.toString(decision.remainingTokens()))
        .putHeader("x-ratelimit-reset-tokens", reset);
  }

  /** OpenAI's (Go's) notation: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
  static String duration(long nanos) {
    long millis = Math.max(0, (nanos + 999_999) / 1_000_000);
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      String seconds = Double.toString(millis / 1000.0).replaceAll("\\.0$", "");
      return seconds + "s";
    }
    long minutes = millis / 60_000;
    String seconds = Double.toString((millis % 60_000) / 1000.0).replaceAll("\\.0$", "");
    return minutes + "m" + seconds + "s";
  }
}
