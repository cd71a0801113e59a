package dev.campaignstream.sharing;

import dev.campaignstream.protocol.StreamError;

/**
 * How far one follower may fall behind a shared campaign before it is cut: a follower who joins
 * late starts behind by what was already written, which it is owed at once and does not count;
 * the allowance shrinks as it catches up, so only falling further behind counts. One follower's,
 * on its own event loop.
 */
public final class LagBound {

  private final int maxLagChunks;
  /** Pieces the follower was behind when it joined and has not caught up on yet; unknown (-1) until then. */
  private long owedAtJoin = -1;

  public LagBound(int maxLagChunks) {
    this.maxLagChunks = maxLagChunks;
  }

  /** Whether a follower at {@code cursor} of a campaign of {@code written} pieces is too far behind. */
  public boolean exceeded(long written, long cursor) {
    long behind = Math.max(0, written - cursor);
    owedAtJoin = owedAtJoin < 0 ? behind : Math.min(owedAtJoin, behind);
    return behind - owedAtJoin > maxLagChunks;
  }

  /** The error a follower that fell too far behind ends with, wherever it reads. */
  public StreamError error() {
    return new StreamError(503, "caller_too_slow",
        "This connection fell more than " + maxLagChunks + " pieces behind the campaign, try again", null);
  }
}
