package dev.campaignstream.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.Set;

/**
 * The event loops of this node that run a worker instance, so that an HTTP verticle can hand a
 * new campaign to the worker on its own loop: every frame of that stream then stays on one thread,
 * where a worker on another loop costs a wake-up of that loop per chunk. A node-local map of the
 * loop's thread name to its count of worker instances (a loop may run more than one); a loop with
 * none takes the shared {@link Addresses#OPEN} as before.
 */
public final class LoopWorkers {

  private static final String MAP = "campaign.loop.workers";

  private final LocalMap<String, Integer> workers;

  private LoopWorkers(LocalMap<String, Integer> workers) {
    this.workers = workers;
  }

  /** This node's registry (one per Vert.x instance). */
  public static LoopWorkers of(Vertx vertx) {
    return new LoopWorkers(vertx.sharedData().getLocalMap(MAP));
  }

  /** The name of the event loop the caller runs on: the key of its registry entry. */
  public static String currentLoop() {
    return Thread.currentThread().getName();
  }

  /** A worker instance on {@code loop} takes handshakes at {@link Addresses#openOn}. */
  public void add(String loop) {
    workers.merge(loop, 1, Integer::sum);
  }

  /** That worker instance stopped taking them. */
  public void remove(String loop) {
    workers.computeIfPresent(loop, (name, count) -> count > 1 ? count - 1 : null);
  }

  /** The loops where some worker instance takes handshakes. */
  public Set<String> loops() {
    return Set.copyOf(workers.keySet());
  }

  /** Whether some worker instance takes handshakes on {@code loop}. */
  public boolean has(String loop) {
    return workers.containsKey(loop);
  }
}
