package dev.campaignstream.sharing;


import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pay once: decides for each caller whether its campaign comes from a stream already being
 * written (shared), from the cache (hit), or from a new upstream call (miss), and puts each
 * completed campaign in the cache. Shared by all HTTP verticle instances of the node: streams in
 * flight are coalesced per node, whichever event loop their callers came in on.
 *
 * <p>In a cluster ({@link #shareAcross}), also across nodes: a node claims a campaign's key in
 * {@link StreamOwners} before it pays for it, and a node that finds it claimed follows the
 * owner's stream instead (a mirror, which its own callers share). See {@link SharedStart}.
 */
public final class Campaigns {

  private static final Logger LOG = LoggerFactory.getLogger(Campaigns.class);

  private final CampaignCache cache;
  private final CacheSettings settings;
  private final ModelChoice models;
  private final ConcurrentMap<String, LiveCampaign> inFlight = new ConcurrentHashMap<>();
  /** Campaigns in flight here that follow another node's stream. */
  private final Set<LiveCampaign> mirrors = ConcurrentHashMap.newKeySet();
  private final AtomicLong remoteJoins = new AtomicLong();
  private volatile String node = "-";
  private volatile long reconnectGraceMs;
  /** The cluster's registry of campaigns in flight; null on a single node. */
  private volatile StreamOwners owners;

  /**
   * @param models the models this node's campaigns are asked of (the configuration's, which every
   *               node has, HTTP-only ones included); the one a campaign is asked of is part of its key
   */
  public Campaigns(CampaignCache cache, CacheSettings settings, ModelChoice models) {
    this.cache = cache;
    this.settings = settings;
    this.models = models;
  }

  /**
   * Names this node and sets how long an event stream whose last caller dropped waits for it;
   * with {@code owners}, shares streams in flight with the other nodes of the cluster. Once, before
   * any caller.
   */
  public void shareAcross(String nodeName, long graceMs, StreamOwners registry) {
    this.node = nodeName;
    this.reconnectGraceMs = graceMs;
    this.owners = registry;
  }

  public int maxLagChunks() {
    return settings.maxLagChunks();
  }

  /** This node's name, as access logs name the owner of a stream. */
  public String node() {
    return node;
  }

  long reconnectGraceMs() {
    return reconnectGraceMs;
  }

  /** Whether streams in flight are shared with other nodes. */
  public boolean clustered() {
    return owners != null && settings.enabled();
  }

  /** Campaigns this node writes for the cluster now (it holds their claims). */
  public int ownedStreams() {
    StreamOwners registry = owners;
    return registry == null ? 0 : registry.held();
  }

  /** Campaigns in flight here that follow another node's stream. */
  public int followedStreams() {
    return mirrors.size();
  }

  /** Times this node started following another node's stream. */
  public long remoteJoins() {
    return remoteJoins.get();
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
            resume(key, caller, request, local);
          } else {
            joinOrStart(key, caller, request, local, null);
          }
        }));
  }

  /**
   * A caller continuing after an event id that is neither in the cache nor in flight on this node:
   * in a cluster, another node may be writing it. Else a new call would write another text, whose
   * events after that id would not continue what the caller has: say so, rather than splice two
   * campaigns together.
   */
  private void resume(String key, Follower caller, CampaignRequest request, WorkerLinks local) {
    StreamOwners registry = owners;
    if (!clustered()) {
      caller.abort(resumeGone(request));
      return;
    }
    registry.find(key).otherwise(failure -> {
      LOG.warn("The cluster's registry of streams could not be read; resuming from the cache only: {}",
          failure.toString());
      return null;
    }).onComplete(found -> onCallersLoop(caller, () -> {
      if (caller.finished()) {
        return;
      }
      if (found.result() == null) {
        resumeFromCache(key, caller, request);
      } else {
        joinOrStart(key, caller, request, local, found.result());
      }
    }));
  }

  /**
   * Nobody writes it in the cluster now: it may have completed between this node's look in the
   * cache and its look in the registry (its owner releases the claim once the cache has it).
   */
  private void resumeFromCache(String key, Follower caller, CampaignRequest request) {
    cache.get(key).otherwiseEmpty().onComplete(found -> onCallersLoop(caller, () -> {
      if (caller.finished()) {
        return;
      }
      if (found.result() != null) {
        caller.follow(found.result(), CacheResult.HIT, request.resumeAfter());
      } else {
        caller.abort(resumeGone(request));
      }
    }));
  }

  static StreamError resumeGone(CampaignRequest request) {
    return new StreamError(410, "resume_gone", "The campaign stream to resume after event "
        + request.resumeAfter() + " is no longer available; reconnect without Last-Event-ID", null);
  }

  /** The campaign written here under {@code key} for the cluster, which another node may follow; or null. */
  LiveCampaign followable(String key) {
    LiveCampaign stream = inFlight.get(key);
    return stream != null && stream.claim() != null && stream.joinable() ? stream : null;
  }

  private boolean join(String key, Follower caller, long after) {
    LiveCampaign stream = inFlight.get(key);
    return stream != null && caller.follow(stream, CacheResult.SHARED, after);
  }

  /**
   * Joins the stream in flight on this node for {@code key}, or starts it: of many callers arriving
   * at once, exactly one starts it. A stream that failed or was cancelled between being found and
   * joined is left for a new one. In a cluster, the one that starts it first claims the key, or
   * follows the stream of the node that holds it ({@code owner}, when already known).
   */
  private void joinOrStart(String key, Follower caller, CampaignRequest request, WorkerLinks local,
      StreamOwner owner) {
    while (true) {
      LiveCampaign fresh = live(key, true, caller, local);
      LiveCampaign chosen = inFlight.compute(key,
          (k, current) -> current != null && current.joinable() ? current : fresh);
      if (chosen == fresh) {
        if (clustered()) {
          new SharedStart(this, owners, cache, fresh, caller, request, local).begin(owner);
        } else {
          fresh.paidBy(request.payer());
          caller.followNew(fresh, CacheResult.MISS, 0);
          local.open(fresh, request);
        }
        return;
      }
      if (caller.follow(chosen, CacheResult.SHARED, request.resumeAfter())) {
        return;
      }
    }
  }

  private void start(Follower caller, CampaignRequest request, WorkerLinks local, String key) {
    LiveCampaign own = live(key, false, caller, local);
    own.paidBy(request.payer());
    caller.followNew(own, CacheResult.MISS, 0);
    local.open(own, request);
  }

  /** A campaign fed from {@code caller}'s own event loop, with {@code caller} already in it. */
  private LiveCampaign live(String key, boolean registered, Follower caller, WorkerLinks local) {
    return new LiveCampaign(UUID.randomUUID().toString(), key, registered, this, caller.context(),
        caller, settings.maxCampaignChars(), local.creditWindow());
  }

  /** {@code stream} follows another node's now. */
  void following(LiveCampaign stream) {
    remoteJoins.incrementAndGet();
    mirrors.add(stream);
  }

  /**
   * A stream ended normally: a campaign worth serving again goes in the cache. The stream stays
   * joinable until the cache has it, so that no caller arriving in between pays for it again.
   */
  void completed(LiveCampaign stream) {
    // A stream followed from another node is cached there.
    CachedCampaign campaign = stream.key() == null || stream.mirror() ? null : stream.toCached();
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
    mirrors.remove(stream);
    StreamOwner claim = stream.claim();
    if (claim != null && owners != null) {
      owners.release(stream.key(), claim);
    }
  }

  /** Cache futures of a cluster may complete elsewhere; a caller is served on its own loop. */
  static void onCallersLoop(Follower caller, Runnable task) {
    onLoop(caller.context(), task);
  }

  static void onLoop(Context context, Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
