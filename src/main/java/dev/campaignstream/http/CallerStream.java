package dev.campaignstream.http;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One caller's end of a campaign: writes the pieces of a {@link SharedStream} to the caller's
 * sink from its own cursor, as fast as the caller's connection takes them, then the end or the
 * error. Holds one of the node's stream slots from the request until it finishes. Runs on its
 * caller's event loop only, apart from {@link #wake()} and {@link #cursor()}.
 */
final class CallerStream {

  /** Bounds one write: the write-queue check between writes keeps a slow caller's buffer small. */
  private static final int MAX_PIECES_PER_WRITE = 64;

  private final Context context;
  private final CampaignSink sink;
  private final AccessRecord access;
  private final HttpStreams streams;
  private final int maxLagChunks;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private SharedStream source;
  /** Pieces taken so far, which is also the id of the last event written; the feeding loop reads it for credit. */
  private volatile long cursor;
  /** Pieces the caller was behind when it joined and has not caught up on yet; unknown (-1) until then. */
  private long owedAtJoin = -1;
  private boolean acked;
  private boolean awaitingDrain;
  private boolean finished;

  CallerStream(Context context, CampaignSink sink, AccessRecord access, HttpStreams streams, int maxLagChunks) {
    this.context = context;
    this.sink = sink;
    this.access = access;
    this.streams = streams;
    this.maxLagChunks = maxLagChunks;
  }

  Context context() {
    return context;
  }

  boolean finished() {
    return finished;
  }

  long cursor() {
    return cursor;
  }

  /**
   * Follows {@code stream} from the piece after {@code after}, unless it can no longer be
   * joined (it failed or was cancelled in the meantime).
   */
  boolean follow(SharedStream stream, CacheResult result, long after) {
    source = stream;
    // Set before joining: the feeding loop reads it as soon as the caller is in the stream.
    cursor = after;
    if (!stream.join(this)) {
      source = null;
      cursor = 0;
      return false;
    }
    joined(result);
    return true;
  }

  /** Follows a stream made with this caller already in it. */
  void followNew(SharedStream stream) {
    source = stream;
    joined(CacheResult.MISS);
  }

  private void joined(CacheResult result) {
    access.cache = result.value();
    sink.cacheResult(result);
    streams.cacheResult(result);
    wake();
  }

  /** Something new in the stream: write it on the caller's own event loop, once however often called. */
  void wake() {
    if (!finished && wakePending.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakePending.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (finished || source == null) {
      return;
    }
    SharedStream.Snapshot now = source.snapshot();
    if (!acked && now.ack() != null) {
      acked = true;
      access.worker = now.ack().worker().node();
      sink.accepted(now.ack());
    }
    if (fellTooFarBehind(now.size())) {
      tooSlow();
      return;
    }
    if (awaitingDrain) {
      return;
    }
    long before = cursor;
    while (cursor < now.size()) {
      if (sink.writeQueueFull()) {
        awaitDrain();
        break;
      }
      int from = (int) cursor;
      List<String> texts = source.deltas(from, (int) Math.min(now.size(), from + MAX_PIECES_PER_WRITE));
      cursor = from + texts.size();
      sink.chunks(from + 1L, texts);
      written(texts.size());
    }
    if (cursor != before) {
      source.progressed();
    }
    if (!awaitingDrain && cursor >= now.size() && now.ending() != null) {
      end(now.ending());
    }
  }

  /**
   * Whether the caller has fallen more than the bound behind the stream. A caller who joins late
   * starts behind by what was already written, which it is owed at once and does not count; the
   * allowance shrinks as it catches up, so only falling further behind counts.
   */
  private boolean fellTooFarBehind(int written) {
    long behind = Math.max(0, written - cursor);
    owedAtJoin = owedAtJoin < 0 ? behind : Math.min(owedAtJoin, behind);
    return behind - owedAtJoin > maxLagChunks;
  }

  private void awaitDrain() {
    awaitingDrain = true;
    sink.drainHandler(v -> {
      awaitingDrain = false;
      pump();
    });
  }

  private void written(int pieces) {
    if (access.chunks == 0) {
      streams.firstChunk(access.startedNanos);
    }
    access.chunks(System.nanoTime(), pieces);
    streams.chunksToCaller(pieces);
  }

  /** The outcome goes in first: ending the response writes the access-log line. */
  private void end(SharedStream.Ending ending) {
    if (ending.error() == null) {
      finish("completed");
      sink.end(ending.finishReason(), ending.usage());
    } else {
      fail(ending.error());
    }
  }

  /**
   * The caller fell further behind the others than the service keeps pieces for it: cut with
   * the representation's error marker rather than hold the shared stream's memory for it.
   */
  private void tooSlow() {
    fail(new StreamError(503, "caller_too_slow",
        "This connection fell more than " + maxLagChunks + " pieces behind the campaign, try again", null));
  }

  /** Ends this caller at once with {@code error} (the node is shutting down, nothing to resume). */
  void abort(StreamError error) {
    if (finished) {
      return;
    }
    fail(error);
  }

  /** Every error a caller gets goes through here, so the access log and the metrics name its kind. */
  private void fail(StreamError error) {
    streams.errorSent(access, error);
    finish(outcome(error));
    sink.fail(error);
  }

  /** The caller closed or reset its connection. */
  void callerGone() {
    if (!finished) {
      finish("cancelled");
    }
  }

  private static String outcome(StreamError error) {
    return error.status() == 504 ? "timed_out" : "failed";
  }

  private void finish(String outcome) {
    finished = true;
    access.outcome = outcome;
    if (source != null) {
      source.leave(this);
    }
    streams.callerDone(this, access);
  }
}
