package dev.campaignstream.upstream;

/**
 * Why an upstream, or every upstream, cannot take a new stream now, and for how long at least.
 *
 * @param reason       why
 * @param retryAfterMs when it may take one again, as far as the service knows; 0 when it cannot tell
 */
public record Refusal(Reason reason, long retryAfterMs) {

  /** In the order a caller is told of them: the first that applies to some upstream wins. */
  public enum Reason {
    /** This node's own connections to the upstream are all in use: the service's capacity, not the upstream's. */
    NO_CONNECTION("capacity"),
    /** At the streams the operator allows it ({@code maxConcurrentStreams}). */
    AT_CAP("capacity"),
    /** Its rate-limit headers, or a 429, say it is used up until a reset. */
    RATE_LIMITED("rate_limited"),
    /** Its circuit is open after failures in a row. */
    CIRCUIT_OPEN("unavailable");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The reason's label in metrics and health: {@code capacity}, {@code rate_limited} or {@code unavailable}. */
    public String label() {
      return label;
    }
  }

  /**
   * What to tell a caller when no upstream can take the stream: the upstreams' own limits when
   * all of them are rate-limited (the earliest reset); else the service's own capacity if that is
   * what stops some of them; else unavailability.
   */
  public static Refusal of(Iterable<Refusal> each) {
    Refusal chosen = null;
    for (Refusal refusal : each) {
      if (chosen == null || refusal.reason().ordinal() < chosen.reason().ordinal()
          || refusal.reason() == chosen.reason() && refusal.retryAfterMs() < chosen.retryAfterMs()) {
        chosen = refusal;
      }
    }
    return chosen == null ? new Refusal(Reason.CIRCUIT_OPEN, 0) : chosen;
  }
}
