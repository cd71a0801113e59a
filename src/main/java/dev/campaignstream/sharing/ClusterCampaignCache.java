package dev.campaignstream.sharing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

/**
 * The cluster's cache: the cluster manager's distributed map ({@value #MAP} in Hazelcast), shared
 * by every node, so a campaign one node paid for is served by all. Values are plain JSON; the map
 * expires each entry after the TTL, and Hazelcast's eviction settings for the map
 * ({@code conf/hazelcast.xml}) bound its size.
 */
public final class ClusterCampaignCache implements CampaignCache {

  public static final String MAP = "campaign.cache";

  private final AsyncMap<String, JsonObject> map;
  private final long ttlMs;

  private ClusterCampaignCache(AsyncMap<String, JsonObject> map, long ttlMs) {
    this.map = map;
    this.ttlMs = ttlMs;
  }

  /** Looks the map up once, at start-up; every later call uses it. */
  public static Future<CampaignCache> create(Vertx vertx, long ttlMs) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP).map(map -> new ClusterCampaignCache(map, ttlMs));
  }

  @Override
  public Future<CachedCampaign> get(String key) {
    return map.get(key).map(json -> json == null ? null : CachedCampaign.fromJson(json));
  }

  @Override
  public Future<Void> put(String key, CachedCampaign campaign) {
    return map.put(key, campaign.toJson(), ttlMs);
  }
}
