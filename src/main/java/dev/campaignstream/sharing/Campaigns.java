package dev.campaignstream.sharing;


import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pay once: decides for each caller whether its campaign comes from a stream already being
 * written on this node (shared), from the cache (hit), or from a new upstream call (miss), and
 * puts each completed campaign in the cache. Shared by all HTTP verticle instances of the node:
 * streams in flight are coalesced per node, whichever event loop their callers came in on.
 */
public final class Campaigns {

  private static final Logger LOG = LoggerFactory.getLogger(Campaigns.class);

  private final CampaignCache cache;
  private final CacheSettings settings;
  private final ModelChoice models;
  private final ConcurrentMap<String, LiveCampaign> inFlight = new ConcurrentHashMap<>();

  /**
   * @param models the models this node's campaigns are asked of (the configuration's, which every
   *               node has, HTTP-only ones included); the one a campaign is asked of is part of its key
   */
  public Campaigns(CampaignCache cache, CacheSettings settings, ModelChoice models) {
    this.cache = cache;
    this.settings = settings;
    this.models = models;
  }

  public int maxLagChunks() {
    return settings.maxLagChunks();
  }

  /** Streams this node is writing now that callers can join. */
  public int inFlight() {
    return inFlight.size();
  }

  /** Finds or starts the stream {@code caller} is served from; {@code local} starts upstream calls. */
  public void serve(Follower caller, CampaignRequest asked, WorkerLinks local) {
    CampaignRequest request = asked.of(models.of(asked.prompt()));
    if (!settings.enabled()) {
      start(caller, request, local, null);
      return;
    }
    String key = CampaignKey.of(request.prompt(), request.model());
    if (request.refresh()) {
      // A stream of its own, which nobody joins; what it writes replaces the cached campaign.
      start(caller, request, local, key);
      return;
    }
    if (join(key, caller, request.resumeAfter())) {
      return;
    }
    cache.get(key)
        .otherwise(failure -> {
          LOG.warn("Campaign cache read failed, calling upstream instead: {}", failure.toString());
          return null;
        })
        .onSuccess(hit -> onCallersLoop(caller, () -> {
          if (caller.finished()) {
            return;
          }
          if (hit != null) {
            caller.follow(hit, CacheResult.HIT, request.resumeAfter());
          } else if (request.resumeAfter() > 0) {
            // A new call would write another text: its events after that id would not continue
            // what the caller has. Say so, rather than splice two campaigns together.
            caller.abort(new StreamError(410, "resume_gone", "The campaign stream to resume after event "
                + request.resumeAfter() + " is no longer available; reconnect without Last-Event-ID", null));
          } else {
            joinOrStart(key, caller, request, local);
          }
        }));
  }

  private boolean join(String key, Follower caller, long after) {
    LiveCampaign stream = inFlight.get(key);
    return stream != null && caller.follow(stream, CacheResult.SHARED, after);
  }

  /**
   * Joins the stream in flight for {@code key}, or starts it: of many callers arriving at once,
   * exactly one starts it. A stream that failed or was cancelled between being found and joined
   * is left for a new one.
   */
  private void joinOrStart(String key, Follower caller, CampaignRequest request, WorkerLinks local) {
    while (true) {
      LiveCampaign fresh = live(key, true, caller, local, request);
      LiveCampaign chosen = inFlight.compute(key,
          (k, current) -> current != null && current.joinable() ? current : fresh);
      if (chosen == fresh) {
        caller.followNew(fresh);
        local.open(fresh, request);
        return;
      }
      if (caller.follow(chosen, CacheResult.SHARED, 0)) {
        return;
      }
    }
  }

  private void start(Follower caller, CampaignRequest request, WorkerLinks local, String key) {
    LiveCampaign own = live(key, false, caller, local, request);
    caller.followNew(own);
    local.open(own, request);
  }

  /**
   * A campaign fed from {@code caller}'s own event loop, with {@code caller} already in it, paid
   * for by the request that starts it.
   */
  private LiveCampaign live(String key, boolean registered, Follower caller, WorkerLinks local,
      CampaignRequest request) {
    LiveCampaign campaign = new LiveCampaign(UUID.randomUUID().toString(), key, registered, this, caller.context(),
        caller, settings.maxCampaignChars(), local.creditWindow());
    campaign.paidBy(request.payer());
    return campaign;
  }

  /**
   * A stream ended normally: a campaign worth serving again goes in the cache. The stream stays
   * joinable until the cache has it, so that no caller arriving in between pays for it again.
   */
  void completed(LiveCampaign stream) {
    CachedCampaign campaign = stream.key() == null ? null : stream.toCached();
    if (campaign == null) {
      forget(stream);
      return;
    }
    cache.put(stream.key(), campaign).onComplete(stored -> {
      if (stored.failed()) {
        LOG.warn("Campaign cache write failed: {}", stored.cause().toString());
      }
      forget(stream);
    });
  }

  /** The stream can no longer be joined. */
  void forget(LiveCampaign stream) {
    if (stream.registered()) {
      inFlight.remove(stream.key(), stream);
    }
  }

  /** Cache futures of a cluster may complete elsewhere; a caller is served on its own loop. */
  private static void onCallersLoop(Follower caller, Runnable task) {
    if (Vertx.currentContext() == caller.context()) {
      task.run();
    } else {
      caller.context().runOnContext(v -> task.run());
    }
  }
}
