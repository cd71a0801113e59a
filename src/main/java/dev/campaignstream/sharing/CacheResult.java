package dev.campaignstream.sharing;

/** How a caller's campaign was answered; the {@code X-Campaign-Cache} response header says it. */
public enum CacheResult {
  /** From a completed campaign in the cache, without calling OpenAI. */
  HIT,
  /** By joining a stream already being written for another caller. */
  SHARED,
  /** By a new upstream call. */
  MISS;

  public static final String HEADER = "X-Campaign-Cache";

  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
