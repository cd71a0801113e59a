package dev.campaignstream.sharing;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.JoinAck;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Another HTTP node following a campaign this node writes. To the campaign it is one more
 * caller, whose cursor counts for credit and for lag like any caller's: it never holds the
 * stream back, and falling more than {@code CACHE_MAX_LAG_CHUNKS} further behind cuts it with
 * the error a slow caller gets. To the other node it is what a worker is to the HTTP side: it
 * sends the pieces from the first as typed frames, never more than that node granted, and stops
 * when it cancels or goes silent.
 *
 * <p>Runs on the event loop of the HTTP verticle instance that took the handshake, apart from
 * {@link #wake()} and {@link #cursor()}.
 */
final class RemoteFollower implements Follower {

  /** As a caller's write: a burst of pieces for the other node goes in bounded steps. */
  private static final int MAX_PIECES_PER_STEP = 64;

  private final Context context;
  /** This instance's inbox, where the other node sends its credits, cancels and pings. */
  private final String inbox;
  private final String streamId;
  private final Peer node;
  private final Message<JsonObject> handshake;
  private final LagBound lag;
  private final Consumer<RemoteFollower> onFinished;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private LiveCampaign source;
  /** Pieces sent to the other node so far. */
  private volatile long cursor;
  /** Pieces the other node may be sent in all, from its handshake's credit and its credits since. */
  private long granted;
  private boolean answered;
  private boolean finished;

  RemoteFollower(Context context, String inbox, String streamId, Peer node, Message<JsonObject> handshake, int maxLagChunks,
      long initialCredit, Consumer<RemoteFollower> onFinished) {
    this.context = context;
    this.inbox = inbox;
    this.streamId = streamId;
    this.node = node;
    this.handshake = handshake;
    this.lag = new LagBound(maxLagChunks);
    this.granted = initialCredit;
    this.onFinished = onFinished;
  }

  /** Follows {@code campaign} from its first piece; false when it can no longer be followed. */
  boolean start(LiveCampaign campaign) {
    if (!campaign.join(this)) {
      return false;
    }
    source = campaign;
    wake();
    return true;
  }

  Peer node() {
    return node;
  }

  /** A frame from the other node: more credit, or its last caller left. */
  void onFrame(Frame frame) {
    if (frame instanceof Frame.Credit credit) {
      granted += credit.credits();
      pump();
    } else if (frame instanceof Frame.Cancel) {
      finish();
    }
  }

  /** The other node went silent, or its inbox is gone. */
  void lost() {
    finish();
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public long cursor() {
    return cursor;
  }

  @Override
  public void wake() {
    if (!finished && wakePending.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakePending.set(false);
        pump();
      });
    }
  }

  @Override
  public boolean follow(Campaign campaign, CacheResult result, long after) {
    throw new UnsupportedOperationException("A node following another follows one live campaign, from its start");
  }

  @Override
  public void followNew(LiveCampaign campaign, CacheResult result, long after) {
    throw new UnsupportedOperationException("A node following another follows one live campaign, from its start");
  }

  /** This node is shutting down: the other node's callers get the error. */
  @Override
  public void abort(StreamError error) {
    if (!finished) {
      answerOrSend(error);
      finish();
    }
  }

  private void pump() {
    if (finished || source == null) {
      return;
    }
    Campaign.Snapshot now = source.snapshot();
    if (!answered) {
      if (now.ack() != null) {
        answered = true;
        // Written by the same worker, but controlled from here.
        handshake.reply(new JoinAck(new OpenAck(inbox, now.ack().worker()), source.owner(), null).toJson());
      } else {
        if (now.ending() != null) {
          answerOrSend(now.ending().error() == null ? JoinAck.gone().error() : now.ending().error());
          finish();
        }
        return;
      }
    }
    if (lag.exceeded(now.size(), cursor)) {
      node.send(new Frame.Failed(streamId, lag.error(), null));
      finish();
      return;
    }
    long before = cursor;
    long upTo = Math.min(now.size(), granted);
    while (cursor < upTo && !finished) {
      int from = (int) cursor;
      List<String> texts = source.pieces(from, (int) Math.min(upTo, from + MAX_PIECES_PER_STEP));
      for (int i = 0; i < texts.size(); i++) {
        node.send(new Frame.Chunk(streamId, from + i + 1L, texts.get(i))).onFailure(undeliverable -> lost());
      }
      cursor = from + texts.size();
    }
    if (cursor != before) {
      source.progressed();
    }
    if (!finished && cursor >= now.size() && now.ending() != null) {
      Campaign.Ending ending = now.ending();
      node.send(ending.error() == null
          ? new Frame.End(streamId, ending.finishReason(), ending.usage(), ending.upstream())
          : new Frame.Failed(streamId, ending.error(), ending.upstream()));
      finish();
    }
  }

  /** Before the handshake is answered, the answer carries the error; after, a frame does. */
  private void answerOrSend(StreamError error) {
    if (answered) {
      node.send(new Frame.Failed(streamId, error, null));
    } else {
      answered = true;
      handshake.reply(new JoinAck(null, null, error).toJson());
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (source != null) {
      source.leave(this);
    }
    onFinished.accept(this);
  }
}
