package dev.campaignstream.http;

import dev.campaignstream.cache.CachedCampaign;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One campaign as it is being written, shared by every caller who asked for it: the worker's
 * ack, the deltas so far and how the stream ended. The deltas are kept, since late joiners need
 * them and the cache takes them at the end, up to a bound: past it (or from the start, when
 * there is no cache) the stream is no longer shared, and it keeps only the deltas its slowest
 * caller has not written yet. A caller that reads slowly from an endless stream thus never makes
 * it hold more than the caller is behind.
 *
 * <p>One {@link HttpStream} feeds it, on its owner's event loop. Its callers may be served by
 * other HTTP verticle instances of the node, on their own event loops: they read it under its
 * lock, are woken on their own loops when there is something new, and each writes at its own
 * pace from its own cursor. Upstream credit follows the fastest caller, so a slow caller never
 * holds the others back, and a stream whose callers all stop reading pauses OpenAI as a single
 * caller's would.
 *
 * <p>A cache hit is a stream that has already ended ({@link #replay}): the same callers' code
 * serves it, without an upstream.
 */
final class SharedStream {

  /** Trimming is checked once per this many pieces, so that it costs nothing per piece. */
  private static final int TRIM_EVERY = 32;

  /** Null when the campaign is not to be cached (the cache is off). */
  private final String key;
  /** Whether other callers can find it through {@link SharedCampaigns}. */
  private final boolean registered;
  /** Null for a replay. */
  private final SharedCampaigns campaigns;
  /** The event loop of the feeding {@link HttpStream}; null for a replay. */
  private final Context owner;
  private final AtomicBoolean creditCheckPending = new AtomicBoolean();
  private final long maxKeptChars;
  /** Owner's event loop only. */
  private HttpStream upstream;

  // Guarded by this.
  /** The deltas from event id {@code dropped + 1} on; those before were trimmed. */
  private final List<String> deltas;
  private int dropped;
  private long keptChars;
  /** Kept whole for joiners and the cache; once false, it never turns true again. */
  private boolean shareable;
  private final List<CallerStream> callers = new ArrayList<>();
  private OpenAck ack;
  private Ending ending;
  private boolean closed;

  /** How the stream ended: a finish reason and usage, or an error. */
  record Ending(String finishReason, JsonObject usage, StreamError error) {
  }

  /** What a caller needs to know at once to write its next pieces. */
  record Snapshot(OpenAck ack, int size, Ending ending) {
  }

  private SharedStream(String key, boolean registered, SharedCampaigns campaigns, Context owner,
      List<String> deltas, long maxKeptChars, boolean shareable) {
    this.key = key;
    this.registered = registered;
    this.campaigns = campaigns;
    this.owner = owner;
    this.deltas = deltas;
    this.maxKeptChars = maxKeptChars;
    this.shareable = shareable;
  }

  /**
   * A stream about to be fed from {@code owner}, with its first caller already in it, so that it
   * can never be seen without a caller (and cancelled for that) before that caller is served.
   */
  static SharedStream live(String key, boolean registered, SharedCampaigns campaigns, Context owner,
      CallerStream first, long maxKeptChars) {
    SharedStream stream = new SharedStream(key, registered, campaigns, owner, new ArrayList<>(), maxKeptChars,
        key != null);
    stream.callers.add(first);
    return stream;
  }

  /** A cached campaign, served as the stream that wrote it ended. */
  static SharedStream replay(CachedCampaign cached) {
    SharedStream stream = new SharedStream(null, false, null, null, cached.deltas(), Long.MAX_VALUE, true);
    stream.ack = new OpenAck(null, new OpenAck.Worker("-", cached.model(), cached.simulated()));
    stream.ending = new Ending(cached.finishReason(), cached.usage(), null);
    return stream;
  }

  String key() {
    return key;
  }

  boolean registered() {
    return registered;
  }

  // ---------------------------------------------------------------- the callers' side, any event loop

  /** Adds a caller, unless the stream failed or was cancelled: then the caller must go elsewhere. */
  synchronized boolean join(CallerStream caller) {
    if (closed || !shareable) {
      return false;
    }
    callers.add(caller);
    return true;
  }

  synchronized boolean joinable() {
    return !closed && shareable;
  }

  /**
   * A caller is done with the stream. The last one leaving before the end cancels the upstream
   * call, as a single caller leaving would; while others listen it goes on.
   */
  void leave(CallerStream caller) {
    boolean cancel;
    synchronized (this) {
      callers.remove(caller);
      cancel = callers.isEmpty() && ending == null && !closed;
      if (cancel) {
        closed = true;
      }
    }
    if (cancel) {
      campaigns.forget(this);
      owner.runOnContext(v -> {
        if (upstream != null) {
          upstream.cancel();
        }
      });
    }
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(ack, received(), ending);
  }

  /** The pieces of text with event ids {@code from + 1} to {@code to}. */
  synchronized List<String> deltas(int from, int to) {
    return List.copyOf(deltas.subList(from - dropped, to - dropped));
  }

  /** Pieces received from the worker so far, trimmed or not. Under the lock. */
  private int received() {
    return dropped + deltas.size();
  }

  /**
   * A caller took more pieces: the owner checks whether the worker can have more credit. Checks
   * are coalesced, so a burst of progress costs the owner one task.
   */
  void progressed() {
    if (owner != null && creditCheckPending.compareAndSet(false, true)) {
      owner.runOnContext(v -> {
        creditCheckPending.set(false);
        if (upstream != null) {
          upstream.returnCredit();
        }
      });
    }
  }

  /**
   * Pieces the fastest caller has taken: what the worker may be credited for. Never more than
   * received, even for a caller resuming after an id not written yet.
   */
  synchronized long taken() {
    long fastest = 0;
    for (CallerStream caller : callers) {
      fastest = Math.max(fastest, caller.cursor());
    }
    return Math.min(fastest, received());
  }

  // ---------------------------------------------------------------- the upstream side, owner's event loop

  void feed(HttpStream stream) {
    this.upstream = stream;
  }

  void accepted(OpenAck workerAck) {
    synchronized (this) {
      ack = workerAck;
    }
    wakeCallers();
  }

  void chunk(String text) {
    boolean stopSharing = false;
    synchronized (this) {
      deltas.add(text);
      if (shareable) {
        keptChars += text.length();
        stopSharing = keptChars > maxKeptChars;
        shareable = !stopSharing;
      }
      if (!shareable && received() % TRIM_EVERY == 0) {
        trim();
      }
    }
    if (stopSharing) {
      campaigns.forget(this);
    }
    wakeCallers();
  }

  /** Drops the pieces every caller has written. Under the lock; only once nobody can join. */
  private void trim() {
    long slowest = Long.MAX_VALUE;
    for (CallerStream caller : callers) {
      slowest = Math.min(slowest, caller.cursor());
    }
    int done = (int) Math.min(deltas.size(), slowest - dropped);
    if (done > 0) {
      deltas.subList(0, done).clear();
      dropped += done;
    }
  }

  void end(String finishReason, JsonObject usage) {
    synchronized (this) {
      ending = new Ending(finishReason, usage, null);
    }
    wakeCallers();
    campaigns.completed(this);
  }

  /** The stream failed: every caller gets the error, and nobody may join it any more. */
  void fail(StreamError error) {
    synchronized (this) {
      ending = new Ending(null, null, error);
      closed = true;
    }
    wakeCallers();
    campaigns.forget(this);
  }

  /** The campaign to cache, or null when it did not finish in a way worth serving again. */
  synchronized CachedCampaign toCached() {
    if (!shareable || ending == null || ending.error() != null || ack == null
        || !CachedCampaign.cacheable(ending.finishReason())) {
      return null;
    }
    return new CachedCampaign(deltas, ending.finishReason(), ending.usage(), ack.model(), ack.simulated());
  }

  private void wakeCallers() {
    List<CallerStream> toWake;
    synchronized (this) {
      toWake = List.copyOf(callers);
    }
    toWake.forEach(CallerStream::wake);
  }
}
