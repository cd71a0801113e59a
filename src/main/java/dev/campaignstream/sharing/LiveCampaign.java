package dev.campaignstream.sharing;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.JoinAck;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One campaign as a worker writes it, shared by every caller who asked for it: the HTTP end of
 * the stream from the worker, the pieces so far, and how it ended.
 *
 * <p>The pieces are kept, since late joiners need them and the cache takes them at the end, up
 * to a bound: past it (or from the start, when there is no cache) the campaign is no longer
 * shared, and it keeps only the pieces its slowest caller has not written yet. A caller that reads
 * slowly from an endless stream thus never makes it hold more than the caller is behind.
 *
 * <p>The worker's frames arrive on the owner's event loop, the one of the HTTP verticle instance
 * that opened the stream. Its callers may be served by other instances, on their own event loops:
 * they read it under its lock, are woken on their own loops when there is something new, and each
 * writes at its own pace from its own cursor. Credit follows the fastest caller, so a slow caller
 * never holds the others back, and a campaign whose callers all stop reading pauses OpenAI as a
 * single caller's would.
 *
 * <p>Its life is a {@link State}, changed only by {@link #to}, under the lock.
 */
public final class LiveCampaign implements Campaign {

  /** Trimming is checked once per this many pieces, so that it costs nothing per piece. */
  private static final int TRIM_EVERY = 32;

  /** Where the campaign is in its life. */
  enum State {
    /** Asked of a worker; no answer yet. */
    OPENING,
    /** A worker took it and is writing. */
    STREAMING,
    /** The worker finished it. */
    COMPLETED,
    /** It failed: the worker's error, no worker, a lost worker, a shutdown. */
    FAILED,
    /** Every caller left before the end. */
    CANCELLED;

    boolean ended() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    boolean mayBecome(State next) {
      return switch (this) {
        case OPENING -> next == STREAMING || next == FAILED || next == CANCELLED;
        case STREAMING -> next == COMPLETED || next == FAILED || next == CANCELLED;
        case COMPLETED, FAILED, CANCELLED -> false;
      };
    }
  }

  private final String id;
  /** Null when the campaign is not to be cached (the cache is off). */
  private final String key;
  /** Whether other callers can find it through {@link Campaigns}. */
  private final boolean registered;
  private final Campaigns campaigns;
  private final Context owner;
  private final long maxKeptChars;
  private final long creditBatch;
  private final AtomicBoolean creditCheckPending = new AtomicBoolean();
  // Owner's event loop only.
  private Peer worker;
  private Runnable onEnded = () -> { };
  private long returned;
  private Payer payer = Payer.NONE;
  private boolean settled;
  /** The claim on its key in the cluster, when this node writes it for the cluster; null otherwise. */
  private volatile StreamOwner claim;
  /** Fed from another node's stream (or the cache) rather than a worker: that node caches it, not this one. */
  private volatile boolean mirror;
  /** The node that writes it: this one, or the one it follows. */
  private volatile String ownerNode;

  // Guarded by this.
  private State state = State.OPENING;
  /** The pieces from event id {@code dropped + 1} on; those before were trimmed. */
  private final List<String> pieces = new ArrayList<>();
  private int dropped;
  private long keptChars;
  /** Kept whole for joiners and the cache; once false, it never turns true again. */
  private boolean shareable;
  /** Text received, trimmed or not: what the tokens of a stream that ends without usage are estimated from. */
  private long receivedChars;
  private final List<Follower> followers = new ArrayList<>();
  private OpenAck ack;
  private Ending ending;
  /** Counts the times its last caller left to come back: a grace that a later one replaced does nothing. */
  private long graceSeq;

  /**
   * A campaign about to be opened from {@code owner}'s event loop, with its first caller already
   * in it, so that it can never be seen without a caller (and cancelled for that) before that
   * caller is served.
   */
  LiveCampaign(String id, String key, boolean registered, Campaigns campaigns, Context owner, Follower first,
      long maxKeptChars, int creditWindow) {
    this.id = id;
    this.key = key;
    this.registered = registered;
    this.campaigns = campaigns;
    this.owner = owner;
    this.maxKeptChars = maxKeptChars;
    // Credit goes back in batches: one frame per half window instead of one per piece.
    this.creditBatch = Math.max(1, creditWindow / 2);
    this.shareable = key != null;
    this.ownerNode = campaigns.node();
    followers.add(first);
  }

  String id() {
    return id;
  }

  String key() {
    return key;
  }

  boolean registered() {
    return registered;
  }

  /** The event loop its frames arrive on. */
  Context context() {
    return owner;
  }

  @Override
  public String owner() {
    return ownerNode;
  }

  boolean mirror() {
    return mirror;
  }

  StreamOwner claim() {
    return claim;
  }

  /** This node claimed its key for the cluster: other nodes may follow it, and the claim goes when it ends. */
  void claimed(StreamOwner mine) {
    this.claim = mine;
  }

  /** It is fed from {@code ownerNode}'s stream rather than by a worker of this node. */
  void follows(String ownerNode) {
    this.mirror = true;
    this.ownerNode = ownerNode;
  }

  /** After all, this node writes it (the node it was to follow no longer did). */
  void writtenHere() {
    this.mirror = false;
    this.ownerNode = campaigns.node();
  }

  /** Whether it has not ended (nor been cancelled by its last caller leaving) yet. */
  synchronized boolean live() {
    return !state.ended();
  }

  // ---------------------------------------------------------------- the callers' side, any event loop

  @Override
  public synchronized boolean join(Follower follower) {
    if (!joinable()) {
      return false;
    }
    followers.add(follower);
    return true;
  }

  /** Whether a new caller can still follow it: not failed or cancelled, and kept whole. */
  synchronized boolean joinable() {
    return shareable && (state == State.OPENING || state == State.STREAMING || state == State.COMPLETED);
  }

  /**
   * A caller is done with it. The last one leaving before the end cancels the upstream call, as a
   * single caller leaving would; while others listen it goes on. An event-stream caller whose
   * connection dropped will reconnect by itself: when it was the last, the campaign waits for it
   * for the reconnect grace, taking no more than the credit it has (the worker pauses OpenAI),
   * and is cancelled only if nobody came back by then.
   */
  @Override
  public void leave(Follower follower) {
    boolean cancel;
    long grace = -1;
    synchronized (this) {
      followers.remove(follower);
      boolean last = followers.isEmpty() && !state.ended();
      if (last && follower.comesBack() && campaigns.reconnectGraceMs() > 0 && registered && joinable()) {
        grace = ++graceSeq;
      }
      cancel = last && grace < 0;
      if (cancel) {
        to(State.CANCELLED);
      }
    }
    if (grace >= 0) {
      long seq = grace;
      owner.runOnContext(v -> owner.owner().setTimer(campaigns.reconnectGraceMs(), timer -> graceOver(seq)));
    } else if (cancel) {
      cancelled();
    }
  }

  /** The grace is over: cancelled, unless a caller came back meanwhile. */
  private void graceOver(long seq) {
    synchronized (this) {
      if (seq != graceSeq || !followers.isEmpty() || state.ended()) {
        return;
      }
      to(State.CANCELLED);
    }
    cancelled();
  }

  private void cancelled() {
    campaigns.forget(this);
    owner.runOnContext(v -> {
      if (worker != null) {
        worker.send(new Frame.Cancel(id));
      }
      settle();
      onEnded.run();
    });
  }

  @Override
  public synchronized Snapshot snapshot() {
    return new Snapshot(ack, received(), ending);
  }

  @Override
  public synchronized List<String> pieces(int from, int to) {
    // One piece is the usual case of a caller keeping up; List.of skips copyOf's array.
    int first = from - dropped;
    return to - from == 1 ? List.of(pieces.get(first)) : List.copyOf(pieces.subList(first, to - dropped));
  }

  /**
   * Checked at once on the owner's event loop; from another loop, checks are coalesced, so that a
   * burst of progress costs the owner one task.
   */
  @Override
  public void progressed() {
    if (ownersLoop()) {
      returnCredit();
    } else if (creditCheckPending.compareAndSet(false, true)) {
      owner.runOnContext(v -> {
        creditCheckPending.set(false);
        returnCredit();
      });
    }
  }

  private boolean ownersLoop() {
    return ((ContextInternal) owner).inThread();
  }

  /** Pieces received from the worker so far, trimmed or not. Under the lock. */
  private int received() {
    return dropped + pieces.size();
  }

  /**
   * Pieces the fastest caller has taken: what the worker may be credited for. Never more than
   * received, even for a caller resuming after an id not written yet.
   */
  private synchronized long taken() {
    long fastest = 0;
    for (Follower follower : followers) {
      fastest = Math.max(fastest, follower.cursor());
    }
    return Math.min(fastest, received());
  }

  // ---------------------------------------------------------------- the worker's side, owner's event loop

  /** Who pays for the upstream call: told once, when the campaign ends. Before it is opened. */
  void paidBy(Payer who) {
    this.payer = who;
  }

  /** What to run once the campaign has ended, whichever way: the owner forgets the stream. */
  void onEnded(Runnable action) {
    this.onEnded = action;
  }

  /**
   * A worker took the stream. If every caller left while the handshake was under way, the
   * cancellation already queued on this loop tells the worker to stop, now that it is known.
   */
  void accepted(OpenAck workerAck, Peer peer) {
    worker = peer;
    synchronized (this) {
      if (state != State.OPENING) {
        return;
      }
      ack = workerAck;
      to(State.STREAMING);
    }
    wakeFollowers();
    returnCredit();
  }

  /** The worker this campaign is written by, once it took the stream; owner's loop only. */
  Peer worker() {
    return worker;
  }

  /**
   * The node it follows took the stream: from now on its frames come from there, as a worker's
   * would, and its writer is the one that node's worker named.
   */
  void acceptedFrom(JoinAck joined, Peer ownerPeer) {
    ownerNode = joined.owner();
    accepted(joined.ack(), ownerPeer);
  }

  /**
   * The campaign was completed elsewhere and cached meanwhile: its callers get it from there, as
   * if its writer had sent it now.
   */
  void replay(CachedCampaign written) {
    mirror = true;
    ownerNode = "-";
    accepted(written.snapshot().ack(), null);
    written.deltas().forEach(this::piece);
    complete(written.finishReason(), written.usage(), written.snapshot().ending().upstream());
  }

  /** What its callers are told when its writer (a worker, or the node it follows) stops answering. */
  StreamError writerLost() {
    return mirror ? WorkerLinks.OWNER_LOST : WorkerLinks.WORKER_LOST;
  }

  /** A frame from the worker. */
  void onFrame(Frame frame) {
    if (frame instanceof Frame.Chunk chunk) {
      piece(chunk.text());
    } else if (frame instanceof Frame.End end) {
      complete(end.finishReason(), end.usage(), end.upstream());
    } else if (frame instanceof Frame.Failed failed) {
      end(State.FAILED, new Ending(null, null, failed.error(), failed.upstream()));
    }
  }

  /** The campaign cannot go on (no worker, a lost worker, a shutdown): its callers get the error. */
  void fail(StreamError error) {
    Peer writer = worker;
    if (end(State.FAILED, new Ending(null, null, error)) && writer != null) {
      writer.send(new Frame.Cancel(id));
    }
  }

  private void piece(String text) {
    boolean stopSharing = false;
    synchronized (this) {
      if (state != State.STREAMING) {
        return;
      }
      pieces.add(text);
      receivedChars += text.length();
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
    wakeFollowers();
    returnCredit();
  }

  /** Drops the pieces every caller has written. Under the lock; only once nobody can join. */
  private void trim() {
    long slowest = Long.MAX_VALUE;
    for (Follower follower : followers) {
      slowest = Math.min(slowest, follower.cursor());
    }
    int done = (int) Math.min(pieces.size(), slowest - dropped);
    if (done > 0) {
      pieces.subList(0, done).clear();
      dropped += done;
    }
  }

  private void complete(String finishReason, JsonObject usage, String upstream) {
    if (end(State.COMPLETED, new Ending(finishReason, usage, null, upstream))) {
      campaigns.completed(this);
    }
  }

  /** Moves to an end state unless it has one already; true when it moved. */
  private boolean end(State next, Ending how) {
    synchronized (this) {
      if (state.ended()) {
        return false;
      }
      ending = how;
      to(next);
    }
    wakeFollowers();
    if (next != State.COMPLETED) {
      campaigns.forget(this);
    }
    settle();
    onEnded.run();
    return true;
  }

  /** Tells the payer what the campaign cost, once, on the owner's loop, whichever way it ended. */
  private void settle() {
    if (settled) {
      return;
    }
    settled = true;
    JsonObject usage;
    long chars;
    synchronized (this) {
      usage = ending == null ? null : ending.usage();
      chars = receivedChars;
    }
    payer.settle(usage, chars);
  }

  /**
   * Credit goes back once the fastest caller's connection has taken the pieces, so callers who
   * all read slowly hold at most one window of pieces in this service, while one slow caller
   * among faster ones does not slow them down (it is cut if it falls too far behind). A credit
   * the bus cannot deliver means the worker is gone.
   */
  private void returnCredit() {
    if (worker == null || state() != State.STREAMING) {
      return;
    }
    long owed = taken() - returned;
    if (owed >= creditBatch) {
      returned += owed;
      worker.send(new Frame.Credit(id, owed)).onFailure(undeliverable -> end(State.FAILED,
          new Ending(null, null, writerLost())));
    }
  }

  private synchronized State state() {
    return state;
  }

  /** The campaign to cache, or null when it did not finish in a way worth serving again. */
  synchronized CachedCampaign toCached() {
    if (!shareable || state != State.COMPLETED || ack == null || !CachedCampaign.cacheable(ending.finishReason())) {
      return null;
    }
    return new CachedCampaign(pieces, ending.finishReason(), ending.usage(), ack.model(), ack.simulated(),
        ending.upstream());
  }

  // ---------------------------------------------------------------- the one transition, under the lock

  private void to(State next) {
    if (!state.mayBecome(next)) {
      throw new IllegalStateException("Campaign stream " + id + " cannot go from " + state + " to " + next);
    }
    state = next;
  }

  private void wakeFollowers() {
    List<Follower> toWake;
    synchronized (this) {
      toWake = List.copyOf(followers);
    }
    toWake.forEach(Follower::wake);
  }
}
