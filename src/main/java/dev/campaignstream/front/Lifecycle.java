package dev.campaignstream.front;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's phase, shared by its HTTP verticle instances: once draining (SIGTERM), readiness
 * turns false and new streams are refused, while the streams in flight are left to finish.
 */
public final class Lifecycle {

  private final AtomicBoolean draining = new AtomicBoolean();

  public void startDraining() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }
}
