package dev.campaignstream.config;

/**
 * The campaign cache, request coalescing and stream resume, on the HTTP side.
 *
 * @param enabled      off: every request makes its own upstream call, as without the cache
 * @param ttlMs        how long a completed campaign is served from the cache
 * @param maxEntries   campaigns kept at most (per node in a cluster); the least recently used go first
 * @param maxLagChunks how far a caller may fall behind a shared stream before it is cut
 * @param maxCampaignChars text a stream keeps for the cache and for callers joining late; a longer
 *                     campaign is still streamed, but neither cached nor shared from then on
 */
public record CacheSettings(boolean enabled, long ttlMs, int maxEntries, int maxLagChunks, int maxCampaignChars) {

  /** A zero TTL would mean "never expires" to the cluster's map, not "do not cache": refuse it. */
  public CacheSettings {
    if (ttlMs <= 0 || maxEntries <= 0 || maxLagChunks <= 0 || maxCampaignChars <= 0) {
      throw new IllegalArgumentException("Configuration cache.ttlMs, cache.maxEntries, cache.maxLagChunks and"
          + " cache.maxCampaignChars must be positive (set cache.enabled to false to turn the cache off), got "
          + ttlMs + ", " + maxEntries + ", " + maxLagChunks + ", " + maxCampaignChars);
    }
  }
}
