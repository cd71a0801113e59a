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

  /**
   * Follows, from the piece after {@code after}, a live campaign made with this follower already
   * in it; {@code result} is how it is answered (its own new call, or another node's stream).
   */
  void followNew(LiveCampaign campaign, CacheResult result, long after);

  /**
   * Whether this follower, having left, will come back by itself: an event-stream caller whose
   * connection dropped ({@code EventSource} reconnects). Its campaign then waits for it a moment
   * instead of being cancelled at once.
   */
  default boolean comesBack() {
    return false;
  }

  /** Ends the caller at once with {@code error}. */
  void abort(StreamError error);
}
