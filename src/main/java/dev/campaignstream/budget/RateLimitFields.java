package dev.campaignstream.budget;

import dev.campaignstream.keys.KeyLimits;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of the IETF httpapi draft
 * (draft-ietf-httpapi-ratelimit-headers-10), as structured-field lists with one item per limit the
 * key has, named as the keys file names it: {@code q} the quota, {@code w} the window in seconds,
 * {@code qu} the unit where it is not requests; {@code r} what is left, {@code t} the seconds until
 * it grows again. A key without limits gets neither field.
 */
public final class RateLimitFields {

  public static final String POLICY = "RateLimit-Policy";
  public static final String LIMIT = "RateLimit";
  private static final long DAY_SECONDS = 86_400;

  private RateLimitFields() {
  }

  /** The key's policies, or null when it has no limit. */
  public static String policy(KeyLimits limits) {
    StringBuilder field = new StringBuilder(96);
    if (limits.requestsPerMinute() != null) {
      item(field, Limit.REQUESTS_PER_MINUTE).append(";q=").append(limits.requestsPerMinute())
          .append(";w=").append(KeyUsage.WINDOW_SECONDS);
    }
    if (limits.concurrentStreams() != null) {
      item(field, Limit.CONCURRENT_STREAMS).append(";q=").append(limits.concurrentStreams())
          .append(";qu=\"concurrent-requests\"");
    }
    if (limits.tokensPerDay() != null) {
      item(field, Limit.TOKENS_PER_DAY).append(";q=").append(limits.tokensPerDay())
          .append(";qu=\"tokens\";w=").append(DAY_SECONDS);
    }
    return field.length() == 0 ? null : field.toString();
  }

  /** What the key has left under each of its limits after this request, or null when it has no limit. */
  public static String remaining(KeyLimits limits, Verdict verdict) {
    StringBuilder field = new StringBuilder(96);
    if (limits.requestsPerMinute() != null && verdict.requestsLeft() >= 0) {
      item(field, Limit.REQUESTS_PER_MINUTE).append(";r=").append(verdict.requestsLeft())
          .append(";t=").append(verdict.requestsResetSeconds());
    }
    if (limits.concurrentStreams() != null && verdict.streamsLeft() >= 0) {
      item(field, Limit.CONCURRENT_STREAMS).append(";r=").append(verdict.streamsLeft());
    }
    if (limits.tokensPerDay() != null && verdict.tokensLeft() >= 0) {
      item(field, Limit.TOKENS_PER_DAY).append(";r=").append(verdict.tokensLeft())
          .append(";t=").append(verdict.tokensResetSeconds());
    }
    return field.length() == 0 ? null : field.toString();
  }

  private static StringBuilder item(StringBuilder field, Limit limit) {
    if (field.length() > 0) {
      field.append(", ");
    }
    return field.append('"').append(limit.field()).append('"');
  }
}
