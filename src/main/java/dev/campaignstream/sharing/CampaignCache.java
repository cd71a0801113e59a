package dev.campaignstream.sharing;

import io.vertx.core.Future;

/**
 * Completed campaigns by {@link CampaignKey}. One node keeps them in its own memory
 * ({@link LocalCampaignCache}); a cluster keeps them in the cluster manager's distributed map
 * ({@link ClusterCampaignCache}), so a campaign written through one node is a hit on every other.
 * Both expire entries after the configured TTL. Callable from any event loop; never blocks it.
 */
public interface CampaignCache {

  /** The campaign under {@code key}, or null when there is none (or it expired). */
  Future<CachedCampaign> get(String key);

  /** Keeps {@code campaign} under {@code key} for the TTL, replacing what was there. */
  Future<Void> put(String key, CachedCampaign campaign);
}
