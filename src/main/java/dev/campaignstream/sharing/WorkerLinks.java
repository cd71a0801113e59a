package dev.campaignstream.sharing;

import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.JoinAck;
import dev.campaignstream.protocol.JoinStream;
import dev.campaignstream.protocol.LoopWorkers;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.Peers;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The streams one HTTP verticle instance has with the workers: the handshake that hands each new
 * campaign to a worker, one inbox for the frames of all of them, and one periodic sweep that
 * keeps its worker peers alive (pings) and fails the campaigns of a peer that went silent.
 *
 * <p>In a cluster, the same for the streams it has with other HTTP nodes, in both directions and
 * over the same inbox, frames and liveness: it follows a campaign another node writes as it
 * would a worker's ({@link #follow}), and serves the nodes that follow the campaigns it writes as
 * a worker serves it (a {@link RemoteFollower} each, from the handshakes at its join address).
 * Runs on its verticle's event loop only.
 */
public final class WorkerLinks {

  static final StreamError WORKER_LOST =
      new StreamError(503, "worker_lost", "The campaign writer stopped responding, try again", null);
  static final StreamError OWNER_LOST =
      new StreamError(503, "owner_lost", "The node writing this campaign stopped responding, try again", null);

  private final Vertx vertx;
  private final EventBus bus;
  private final StreamSettings settings;
  private final String inbox = Addresses.newInbox("http");
  private final Peers peers;
  private final Map<String, LiveCampaign> campaigns = new HashMap<>();
  /** Other nodes following the campaigns this instance writes, by their stream ids. */
  private final Map<String, RemoteFollower> remotes = new HashMap<>();
  private final Campaigns shared;
  private final ServiceMetrics metrics;
  private final LoopWorkers loopWorkers;
  /** The event loop this instance runs on, whose worker (if any) takes its campaigns first. */
  private String loop;
  private MessageConsumer<Frame> consumer;
  private MessageConsumer<JsonObject> joins;
  private long sweepTimer = -1;

  public WorkerLinks(Vertx vertx, StreamSettings settings, Campaigns shared, ServiceMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.loopWorkers = LoopWorkers.of(vertx);
    this.shared = shared;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.peers = new Peers(bus, inbox, settings.heartbeatMs(), settings.livenessTimeoutMs());
  }

  /** Runs on its verticle's event loop, which it remembers. */
  public Future<Void> start() {
    loop = LoopWorkers.currentLoop();
    consumer = bus.consumer(inbox, message -> onFrame(message.body()));
    long tick = Math.max(10, Math.min(settings.heartbeatMs(), settings.livenessTimeoutMs() / 4));
    sweepTimer = vertx.setPeriodic(tick, id -> sweep());
    if (!shared.clustered()) {
      return consumer.completion();
    }
    joins = bus.consumer(joinAddress(), this::onJoin);
    return Future.all(consumer.completion(), joins.completion()).mapEmpty();
  }

  /** Where other nodes ask to follow the campaigns this instance writes. */
  String joinAddress() {
    return Addresses.joinAddress(inbox);
  }

  /** Every campaign this instance feeds ends with {@code error}, whichever instance serves its callers. */
  public Future<Void> stop(StreamError error) {
    vertx.cancelTimer(sweepTimer);
    new ArrayList<>(remotes.values()).forEach(remote -> remote.abort(error));
    new ArrayList<>(campaigns.values()).forEach(campaign -> campaign.fail(error));
    Future<Void> joinsGone = joins == null ? Future.succeededFuture() : joins.unregister();
    return consumer == null ? joinsGone : Future.all(joinsGone, consumer.unregister()).mapEmpty();
  }

  int creditWindow() {
    return settings.creditWindow();
  }

  /**
   * Hands a new campaign to the worker on this instance's own event loop when the node runs one
   * there (its frames then never wake another thread), else to whichever worker takes it first.
   */
  void open(LiveCampaign campaign, CampaignRequest request) {
    feeds(campaign);
    OpenStream open = new OpenStream(campaign.id(), inbox, request.prompt(), settings.creditWindow(),
        request.requestId(), request.model(), request.payer().keyName());
    JsonObject handshake = open.toJson();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(settings.handshakeTimeoutMs());
    Future<Message<JsonObject>> answered;
    if (loopWorkers.has(loop)) {
      // Local only: a loop's name is only unique on its node. A worker that just stopped leaves
      // no handler behind, and the shared address still has the others.
      answered = bus.<JsonObject>request(Addresses.openOn(loop), handshake, new DeliveryOptions(options).setLocalOnly(true))
          .onSuccess(reply -> metrics.workerHandoff(true))
          .recover(failure -> noHandlers(failure) ? handOff(handshake, options) : Future.failedFuture(failure));
    } else {
      answered = handOff(handshake, options);
    }
    answered.onSuccess(reply -> accepted(campaign, OpenAck.fromJson(reply.body())))
        .onFailure(failure -> campaign.fail(handshakeFailure(failure)));
  }

  private Future<Message<JsonObject>> handOff(JsonObject handshake, DeliveryOptions options) {
    return bus.<JsonObject>request(Addresses.OPEN, handshake, options).onSuccess(reply -> metrics.workerHandoff(false));
  }

  /** Frames for {@code campaign} come to this inbox until it ends, from a worker or another node. */
  private void feeds(LiveCampaign campaign) {
    campaigns.put(campaign.id(), campaign);
    campaign.onEnded(() -> {
      if (campaigns.remove(campaign.id(), campaign) && campaign.worker() != null) {
        peers.detach(campaign.worker());
      }
    });
  }

  /**
   * Follows the campaign {@code owner} writes, as its stream from there: the answer says whether
   * it could. One that is {@link JoinAck#isGone gone} (the owner no longer writes it, or did not
   * answer) leaves the campaign as it was, for the caller to open it elsewhere.
   */
  Future<JoinAck> follow(LiveCampaign campaign, StreamOwner owner, String requestId) {
    feeds(campaign);
    JoinStream join = new JoinStream(campaign.id(), inbox, campaign.key(), settings.creditWindow(), requestId);
    // The owner answers once its own worker took the stream, which takes up to a handshake.
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(2 * settings.handshakeTimeoutMs());
    return bus.<JsonObject>request(owner.joinAddress(), join.toJson(), options)
        .map(reply -> JoinAck.fromJson(reply.body()))
        .otherwise(unanswered -> JoinAck.gone())
        .onSuccess(joined -> {
          if (joined.ack() != null) {
            if (campaigns.get(campaign.id()) != campaign) {
              // Every caller left while the handshake was under way.
              bus.send(joined.ack().inbox(), new Frame.Cancel(campaign.id()), Peers.FRAMES);
            } else {
              campaign.acceptedFrom(joined, peers.attach(joined.ack().inbox()));
            }
          } else if (joined.isGone()) {
            campaigns.remove(campaign.id(), campaign);
          } else {
            campaign.fail(joined.error());
          }
        });
  }

  /** Another node asks to follow a campaign this node writes: served if it is still written here. */
  private void onJoin(Message<JsonObject> message) {
    JoinStream join = JoinStream.fromJson(message.body());
    LiveCampaign campaign = shared.followable(join.key());
    if (campaign == null) {
      message.reply(JoinAck.gone().toJson());
      return;
    }
    Peer node = peers.attach(join.replyTo());
    RemoteFollower remote = new RemoteFollower(vertx.getOrCreateContext(), inbox, join.streamId(), node, message,
        shared.maxLagChunks(), join.credits(), done -> {
          if (remotes.remove(join.streamId(), done)) {
            peers.detach(node);
          }
        });
    remotes.put(join.streamId(), remote);
    if (!remote.start(campaign)) {
      remotes.remove(join.streamId());
      peers.detach(node);
      message.reply(JoinAck.gone().toJson());
    }
  }

  private void accepted(LiveCampaign campaign, OpenAck ack) {
    if (campaigns.get(campaign.id()) != campaign) {
      // Every caller left, and the campaign was forgotten, while the handshake was under way.
      bus.send(ack.inbox(), new Frame.Cancel(campaign.id()), Peers.FRAMES);
      return;
    }
    campaign.accepted(ack, peers.attach(ack.inbox()));
  }

  private void onFrame(Frame frame) {
    if (frame instanceof Frame.Ping ping) {
      peers.heard(ping);
      return;
    }
    LiveCampaign campaign = campaigns.get(frame.streamId());
    if (campaign != null) {
      if (campaign.worker() != null) {
        campaign.worker().heard();
      }
      campaign.onFrame(frame);
      return;
    }
    RemoteFollower remote = remotes.get(frame.streamId());
    if (remote != null) {
      remote.node().heard();
      remote.onFrame(frame);
    }
  }

  private void sweep() {
    if (campaigns.isEmpty() && remotes.isEmpty()) {
      return;
    }
    for (Peer lost : peers.sweep(System.nanoTime())) {
      campaigns.values().stream().filter(campaign -> campaign.worker() == lost).toList()
          .forEach(campaign -> campaign.fail(campaign.writerLost()));
      remotes.values().stream().filter(remote -> remote.node() == lost).toList().forEach(RemoteFollower::lost);
    }
  }

  private static boolean noHandlers(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private static StreamError handshakeFailure(Throwable failure) {
    if (noHandlers(failure)) {
      return new StreamError(503, "no_worker", "No campaign writer is available, try again later", 1L);
    }
    return new StreamError(503, "handshake_failed", "No campaign writer took the request in time, try again later", 1L);
  }
}
