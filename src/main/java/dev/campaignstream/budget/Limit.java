package dev.campaignstream.budget;

/** The limits a key can have, named as the keys file and the answers name them. */
public enum Limit {
  REQUESTS_PER_MINUTE("requestsPerMinute"),
  CONCURRENT_STREAMS("concurrentStreams"),
  TOKENS_PER_DAY("tokensPerDay");

  private final String field;

  Limit(String field) {
    this.field = field;
  }

  /** The name in the keys file, in problems, in the rate-limit fields and in metric labels. */
  public String field() {
    return field;
  }

  /** The limit of that name, or null for none. */
  static Limit named(String field) {
    for (Limit limit : values()) {
      if (limit.field.equals(field)) {
        return limit;
      }
    }
    return null;
  }
}
