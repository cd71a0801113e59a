package dev.campaignstream.protocol;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.tracing.TracingPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The inboxes one verticle instance has streams with, and whether each is still alive. Any frame
 * from a peer proves it alive; a peer that has heard nothing from us for a heartbeat gets one
 * {@link Frame.Ping}, however many streams we share with it; a peer silent for the liveness timeout
 * is lost, and with it every stream we share with it. Runs on its verticle's event loop only.
 */
public final class Peers {

  /**
   * Frames (chunks, credits, cancels, pings) are never traced: a stream's trace holds its handshake,
   * not a span per piece of text.
   */
  public static final DeliveryOptions FRAMES = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final EventBus bus;
  private final String self;
  private final long heartbeatNanos;
  private final long livenessNanos;
  private final Map<String, Peer> byInbox = new HashMap<>();

  public Peers(EventBus bus, String self, long heartbeatMs, long livenessTimeoutMs) {
    this.bus = bus;
    this.self = self;
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMs);
    this.livenessNanos = TimeUnit.MILLISECONDS.toNanos(livenessTimeoutMs);
  }

  /** The peer at {@code inbox}, for one more stream; heard from now (the handshake is a message from it). */
  public Peer attach(String inbox) {
    Peer peer = byInbox.computeIfAbsent(inbox, address -> new Peer(bus.sender(address, FRAMES)));
    peer.streams++;
    peer.heard();
    return peer;
  }

  /** One stream less with {@code peer}; a peer with none is forgotten. */
  public void detach(Peer peer) {
    if (--peer.streams == 0) {
      byInbox.remove(peer.inbox(), peer);
    }
  }

  /** A ping came in. */
  public void heard(Frame.Ping ping) {
    Peer peer = byInbox.get(ping.from());
    if (peer != null) {
      peer.heard();
    }
  }

  /** Pings the peers we have been quiet to, and returns those that have gone silent. */
  public List<Peer> sweep(long now) {
    List<Peer> lost = new ArrayList<>(0);
    for (Peer peer : byInbox.values()) {
      if (now - peer.lastHeardNanos > livenessNanos) {
        lost.add(peer);
      } else if (now - peer.lastSentNanos > heartbeatNanos) {
        peer.send(new Frame.Ping(self));
      }
    }
    return lost;
  }

  public int size() {
    return byInbox.size();
  }
}
