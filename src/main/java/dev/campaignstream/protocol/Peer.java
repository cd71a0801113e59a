package dev.campaignstream.protocol;

import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageProducer;

/**
 * One inbox at the other end of some streams: where their frames go, and when we last heard from
 * it and wrote to it. Made and kept by {@link Peers}; runs on its owner's event loop only.
 */
public final class Peer {

  private final MessageProducer<Frame> producer;
  long lastHeardNanos = System.nanoTime();
  long lastSentNanos = lastHeardNanos;
  int streams;

  Peer(MessageProducer<Frame> producer) {
    this.producer = producer;
  }

  public String inbox() {
    return producer.address();
  }

  /**
   * Sends a frame. The future fails when the bus could not deliver it (no consumer at that inbox
   * any more, or the connection to its node broke): the stream it belongs to ends at once.
   */
  public Future<Void> send(Frame frame) {
    lastSentNanos = System.nanoTime();
    return producer.write(frame);
  }

  /** Something came from this peer. */
  public void heard() {
    lastHeardNanos = System.nanoTime();
  }
}
