package dev.campaignstream.sharing;

import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.Peers;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
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
 * Runs on its verticle's event loop only.
 */
public final class WorkerLinks {

  static final StreamError WORKER_LOST =
      new StreamError(503, "worker_lost", "The campaign writer stopped responding, try again", null);

  private final Vertx vertx;
  private final EventBus bus;
  private final StreamSettings settings;
  private final String inbox = Addresses.newInbox("http");
  private final Peers peers;
  private final Map<String, LiveCampaign> campaigns = new HashMap<>();
  private MessageConsumer<Frame> consumer;
  private long sweepTimer = -1;

  public WorkerLinks(Vertx vertx, StreamSettings settings) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.peers = new Peers(bus, inbox, settings.heartbeatMs(), settings.livenessTimeoutMs());
  }

  public Future<Void> start() {
    consumer = bus.consumer(inbox, message -> onFrame(message.body()));
    long tick = Math.max(10, Math.min(settings.heartbeatMs(), settings.livenessTimeoutMs() / 4));
    sweepTimer = vertx.setPeriodic(tick, id -> sweep());
    return consumer.completion();
  }

  /** Every campaign this instance feeds ends with {@code error}, whichever instance serves its callers. */
  public Future<Void> stop(StreamError error) {
    vertx.cancelTimer(sweepTimer);
    new ArrayList<>(campaigns.values()).forEach(campaign -> campaign.fail(error));
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  int creditWindow() {
    return settings.creditWindow();
  }

  /** Hands a new campaign to whichever worker takes it first. */
  void open(LiveCampaign campaign, CampaignRequest request) {
    campaigns.put(campaign.id(), campaign);
    campaign.onEnded(() -> {
      if (campaigns.remove(campaign.id(), campaign) && campaign.worker() != null) {
        peers.detach(campaign.worker());
      }
    });
    OpenStream open = new OpenStream(campaign.id(), inbox, request.prompt(), settings.creditWindow(),
        request.requestId(), request.model(), request.payer().keyName());
    bus.<JsonObject>request(Addresses.OPEN, open.toJson(),
            new DeliveryOptions().setSendTimeout(settings.handshakeTimeoutMs()))
        .onSuccess(reply -> accepted(campaign, OpenAck.fromJson(reply.body())))
        .onFailure(failure -> campaign.fail(handshakeFailure(failure)));
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
    }
  }

  private void sweep() {
    if (campaigns.isEmpty()) {
      return;
    }
    for (Peer lost : peers.sweep(System.nanoTime())) {
      campaigns.values().stream().filter(campaign -> campaign.worker() == lost).toList()
          .forEach(campaign -> campaign.fail(WORKER_LOST));
    }
  }

  private static StreamError handshakeFailure(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return new StreamError(503, "no_worker", "No campaign writer is available, try again later", 1L);
    }
    return new StreamError(503, "handshake_failed", "No campaign writer took the request in time, try again later", 1L);
  }
}
