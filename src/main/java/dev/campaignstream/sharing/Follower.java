package dev.campaignstream.sharing;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;

/**
 * One caller reading a {@link Campaign}, on its own event loop. A campaign wakes it when there is
 * something new; it reads at its own pace and reports its cursor, from which credit follows.
 */
public interface Follower {

  /** The caller's event loop. */
  Context context();

  boolean finished();

  /** Pieces taken so far, which is also the id of the last event written; read from other event loops. */
  long cursor();

  /** Something new in the campaign; may be called from any event loop. */
  void wake();

  /** Follows {@code campaign} from the piece after {@code after}, unless it can no longer be joined. */
  boolean follow(Campaign campaign, CacheResult result, long after);

  /** Follows a live campaign made with this follower already in it. */
  void followNew(LiveCampaign campaign);

  /** Ends the caller at once with {@code error}. */
  void abort(StreamError error);
}
