package dev.campaignstream.sharing;

import dev.campaignstream.protocol.StreamError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a campaign new to this node starts in a cluster, for the caller that found nothing to join
 * here: it claims the campaign's key and pays for it, or follows the stream of the node that
 * holds the key. An owner that does not answer, or no longer writes it, is looked past: the
 * campaign may have been cached meanwhile (served from there), or its owner died (the claim is
 * taken over). The caller follows the campaign once it is known how it is answered, so that
 * {@code X-Campaign-Cache} says so. Runs on the campaign's event loop, which is the caller's.
 */
final class SharedStart {

  private static final Logger LOG = LoggerFactory.getLogger(SharedStart.class);
  /** Owners looked past before giving up: each one's claim is replaced in the same atomic step. */
  private static final int ATTEMPTS = 3;
  static final StreamError REPLACED = new StreamError(503, "owner_replaced",
      "Another node of the cluster writes this campaign now, try again", null);
  private static final StreamError NO_OWNER = new StreamError(503, "no_owner",
      "No node of the cluster could write this campaign, try again", 1L);

  private final Campaigns campaigns;
  private final StreamOwners owners;
  private final CampaignCache cache;
  private final LiveCampaign fresh;
  private final Follower caller;
  private final CampaignRequest request;
  private final WorkerLinks local;
  private int attempts = ATTEMPTS;

  SharedStart(Campaigns campaigns, StreamOwners owners, CampaignCache cache, LiveCampaign fresh, Follower caller,
      CampaignRequest request, WorkerLinks local) {
    this.campaigns = campaigns;
    this.owners = owners;
    this.cache = cache;
    this.fresh = fresh;
    this.caller = caller;
    this.request = request;
    this.local = local;
  }

  /** Follows {@code known}, the owner a resuming caller found, or claims the key. */
  void begin(StreamOwner known) {
    if (known != null) {
      follow(known);
    } else {
      claim(null);
    }
  }

  private void claim(StreamOwner replacing) {
    StreamOwner mine = owners.owner(local.joinAddress(), fresh.id());
    // Followable from the moment the claim may be in the map: another node that finds it can ask
    // to join before this node hears that it won.
    fresh.claimed(mine);
    owners.claim(fresh.key(), mine, replacing, lost -> Campaigns.onLoop(fresh.context(), () -> fresh.fail(REPLACED)))
        .onComplete(claimed -> Campaigns.onLoop(fresh.context(), () -> {
          if (claimed.failed() || claimed.result() != null) {
            fresh.claimed(null);
          }
          if (claimed.failed()) {
            // The callers are served all the same, by a stream the cluster does not know of.
            LOG.warn("The cluster's registry of streams could not be reached; writing a campaign unshared: {}",
                claimed.cause().toString());
            write(null);
          } else if (claimed.result() == null && !fresh.live()) {
            // Ended while the claim was under way (its callers gone, or the node stopping): the
            // claim would otherwise be refreshed for a stream nobody writes.
            owners.release(fresh.key(), mine);
          } else if (claimed.result() == null) {
            write(mine);
          } else {
            follow(claimed.result());
          }
        }));
  }

  /** This node pays for the campaign. */
  private void write(StreamOwner mine) {
    fresh.claimed(mine);
    fresh.writtenHere();
    fresh.paidBy(request.payer());
    if (firstFollows(CacheResult.MISS)) {
      local.open(fresh, request);
    }
  }

  private void follow(StreamOwner owner) {
    fresh.follows(owner.node());
    local.follow(fresh, owner, request.requestId()).onSuccess(joined -> {
      if (joined.isGone()) {
        lookPast(owner);
        return;
      }
      if (joined.ack() != null && fresh.live()) {
        campaigns.following(fresh);
      }
      // Followed, or failed there before it had a writer: either way its callers see it from here.
      firstFollows(CacheResult.SHARED);
    });
  }

  /** {@code stale} does not write the campaign (any more). */
  private void lookPast(StreamOwner stale) {
    fresh.writtenHere();
    cache.get(fresh.key()).otherwiseEmpty().onComplete(found -> Campaigns.onLoop(fresh.context(), () -> {
      CachedCampaign hit = found.result();
      if (hit != null) {
        // Completed and cached between this node's look in the cache and its handshake.
        fresh.replay(hit);
        firstFollows(CacheResult.HIT);
      } else if (request.resumeAfter() > 0) {
        fresh.leave(caller);
        caller.abort(Campaigns.resumeGone(request));
        fresh.fail(Campaigns.resumeGone(request));
      } else if (--attempts > 0) {
        claim(stale);
      } else {
        firstFollows(CacheResult.MISS);
        fresh.fail(NO_OWNER);
      }
    }));
  }

  /**
   * The first caller follows the campaign now that it is known how; one that left meanwhile
   * leaves it. Whether the campaign is still worth writing (other callers may have joined it).
   */
  private boolean firstFollows(CacheResult result) {
    if (caller.finished()) {
      fresh.leave(caller);
    } else {
      caller.followNew(fresh, result, request.resumeAfter());
    }
    return fresh.live();
  }
}
