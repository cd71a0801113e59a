package dev.campaignstream.sharing;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node's cache: a map in access order, so the least recently used campaign goes first once
 * the bound is reached, and each entry dropped when read after its TTL.
 *
 * <p>A {@link LinkedHashMap} under one lock rather than a caching library: a few thousand entries,
 * each operation a constant-time lookup or insert held for well under a microsecond by the node's
 * few event loops, so the lock is never contended in a way that matters, and the service keeps
 * one dependency fewer. Expired entries nobody reads again are not swept; they are among the
 * least recently used, so the bound pushes them out first.
 */
public final class LocalCampaignCache implements CampaignCache {

  private final long ttlNanos;
  private final Map<String, Entry> entries;

  public LocalCampaignCache(long ttlMs, int maxEntries) {
    this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(ttlMs);
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  @Override
  public Future<CachedCampaign> get(String key) {
    long now = System.nanoTime();
    synchronized (entries) {
      Entry entry = entries.get(key);
      if (entry != null && now - entry.expiresNanos >= 0) {
        entries.remove(key);
        entry = null;
      }
      return Future.succeededFuture(entry == null ? null : entry.campaign);
    }
  }

  @Override
  public Future<Void> put(String key, CachedCampaign campaign) {
    Entry entry = new Entry(campaign, System.nanoTime() + ttlNanos);
    synchronized (entries) {
      entries.put(key, entry);
    }
    return Future.succeededFuture();
  }

  /** Campaigns held now, expired ones not yet dropped included. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private record Entry(CachedCampaign campaign, long expiresNanos) {
  }
}
