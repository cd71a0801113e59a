package dev.campaignstream.front;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's cap on concurrent streams, shared by all HTTP verticle instances of the node.
 * Past the cap a caller is told to come back at once, before any upstream work is done.
 */
public final class StreamLimiter {

  private final int max;
  private final AtomicInteger active = new AtomicInteger();

  public StreamLimiter(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    while (true) {
      int current = active.get();
      if (current >= max) {
        return false;
      }
      if (active.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  void release() {
    active.decrementAndGet();
  }

  public int active() {
    return active.get();
  }

  public int max() {
    return max;
  }
}
