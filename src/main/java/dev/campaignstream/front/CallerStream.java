package dev.campaignstream.front;

import dev.campaignstream.front.sink.CampaignSink;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.sharing.CacheResult;
import dev.campaignstream.sharing.Campaign;
import dev.campaignstream.sharing.Follower;
import dev.campaignstream.sharing.LagBound;
import dev.campaignstream.sharing.LiveCampaign;
import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One caller's end of a campaign: writes the pieces of a {@link Campaign} to the caller's sink
 * from its own cursor, as fast as the caller's connection takes them, then the end or the error.
 *
 * <p>Its life is a {@link State}, changed only by {@link #to}. Runs on its caller's event loop
 * only, apart from {@link #wake()} and {@link #cursor()}.
 */
final class CallerStream implements Follower {

  /** Bounds one write: the write-queue check between writes keeps a slow caller's buffer small. */
  private static final int MAX_PIECES_PER_WRITE = 64;

  /** Where a caller is in its life. */
  enum State {
    /** Its campaign is being looked up (the cache, a campaign in flight, a new one). */
    WAITING,
    /** Writing pieces as they come. */
    FOLLOWING,
    /** The caller's connection is full: waiting for it to drain. */
    AWAITING_DRAIN,
    /** Ended, whichever way; its slot is free. */
    FINISHED;

    boolean mayBecome(State next) {
      return switch (this) {
        case WAITING -> next == FOLLOWING || next == FINISHED;
        case FOLLOWING -> next == AWAITING_DRAIN || next == FINISHED;
        case AWAITING_DRAIN -> next == FOLLOWING || next == FINISHED;
        case FINISHED -> false;
      };
    }
  }

  private final Context context;
  private final CampaignSink sink;
  private final AccessRecord access;
  private final Callers callers;
  private final LagBound lag;
  private final CallerAccount account;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private State state = State.WAITING;
  private Campaign source;
  /** Pieces taken so far, which is also the id of the last event written; the feeding loop reads it for credit. */
  private volatile long cursor;
  private boolean acked;
  /** Its connection dropped and it is an event stream: its EventSource will reconnect. */
  private boolean comesBack;

  CallerStream(Context context, CampaignSink sink, AccessRecord access, Callers callers, int maxLagChunks,
      CallerAccount account) {
    this.context = context;
    this.account = account;
    this.sink = sink;
    this.access = access;
    this.callers = callers;
    this.lag = new LagBound(maxLagChunks);
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public boolean finished() {
    return state == State.FINISHED;
  }

  @Override
  public long cursor() {
    return cursor;
  }

  @Override
  public boolean follow(Campaign campaign, CacheResult result, long after) {
    // Set before joining: the feeding loop reads it as soon as the caller is in the campaign.
    cursor = after;
    if (!campaign.join(this)) {
      cursor = 0;
      return false;
    }
    joined(campaign, result);
    return true;
  }

  @Override
  public void followNew(LiveCampaign campaign, CacheResult result, long after) {
    cursor = after;
    joined(campaign, result);
  }

  @Override
  public boolean comesBack() {
    return comesBack;
  }

  private void joined(Campaign campaign, CacheResult result) {
    source = campaign;
    to(State.FOLLOWING);
    access.cache = result.value();
    account.joined(result);
    sink.cacheResult(result);
    callers.cacheResult(result);
    wake();
  }

  /** Something new in the campaign: written on the caller's own event loop, once however often called. */
  @Override
  public void wake() {
    if (state != State.FINISHED && wakePending.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakePending.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (state == State.WAITING || state == State.FINISHED) {
      return;
    }
    Campaign.Snapshot now = source.snapshot();
    if (!acked && now.ack() != null) {
      acked = true;
      access.worker = now.ack().worker().node();
      access.owner = source.owner();
      sink.accepted(now.ack());
    }
    if (lag.exceeded(now.size(), cursor)) {
      tooSlow();
      return;
    }
    if (state == State.AWAITING_DRAIN) {
      return;
    }
    long before = cursor;
    while (cursor < now.size()) {
      if (sink.writeQueueFull()) {
        awaitDrain();
        break;
      }
      int from = (int) cursor;
      List<String> texts = source.pieces(from, (int) Math.min(now.size(), from + MAX_PIECES_PER_WRITE));
      cursor = from + texts.size();
      sink.chunks(from + 1L, texts);
      written(texts.size());
    }
    if (cursor != before) {
      source.progressed();
    }
    if (state == State.FOLLOWING && cursor >= now.size() && now.ending() != null) {
      end(now.ending());
    }
  }

  private void awaitDrain() {
    to(State.AWAITING_DRAIN);
    sink.drainHandler(v -> {
      if (state == State.AWAITING_DRAIN) {
        to(State.FOLLOWING);
        pump();
      }
    });
  }

  private void written(int pieces) {
    if (access.chunks == 0) {
      callers.firstChunk(access.startedNanos);
    }
    access.chunks(System.nanoTime(), pieces);
    callers.chunksToCaller(pieces);
  }

  /** The outcome goes in first: ending the response writes the access-log line. */
  private void end(Campaign.Ending ending) {
    if (ending.upstream() != null) {
      access.upstream = ending.upstream();
    }
    account.writtenBy(acked ? source.snapshot().ack().model() : null, ending.upstream());
    if (ending.error() == null) {
      finish("completed");
      sink.end(ending.finishReason(), ending.usage());
    } else {
      fail(ending.error());
    }
  }

  /**
   * The caller fell further behind the others than the service keeps pieces for it: cut with
   * the representation's error marker rather than hold the shared campaign's memory for it.
   */
  private void tooSlow() {
    fail(lag.error());
  }

  @Override
  public void abort(StreamError error) {
    if (state != State.FINISHED) {
      fail(error);
    }
  }

  /** Every error a caller gets goes through here, so the access log and the metrics name its kind. */
  private void fail(StreamError error) {
    callers.errorSent(access, error);
    finish(error.status() == 504 ? "timed_out" : "failed");
    sink.fail(error);
  }

  /** The caller closed or reset its connection. */
  void callerGone() {
    if (state != State.FINISHED) {
      comesBack = sink.reconnects();
      finish("cancelled");
    }
  }

  private void finish(String outcome) {
    to(State.FINISHED);
    access.outcome = outcome;
    if (source != null) {
      source.leave(this);
    }
    callers.callerDone(this, access);
    account.finished(outcome, access.error);
  }

  // ------------------------------------------------------------------ the one transition

  private void to(State next) {
    if (!state.mayBecome(next)) {
      throw new IllegalStateException("Caller stream cannot go from " + state + " to " + next);
    }
    state = next;
  }
}
