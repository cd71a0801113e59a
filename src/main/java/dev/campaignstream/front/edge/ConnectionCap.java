package dev.campaignstream.front.edge;

import java.util.concurrent.atomic.AtomicInteger;

/** The node's cap on open HTTP connections, shared by all HTTP verticle instances. */
public final class ConnectionCap {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionCap(int max) {
    this.max = max;
  }

  boolean tryOpen() {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  void closed() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }
}
