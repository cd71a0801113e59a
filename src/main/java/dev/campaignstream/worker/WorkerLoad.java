package dev.campaignstream.worker;

import dev.campaignstream.ops.WorkerHealth;
import dev.campaignstream.upstream.UpstreamShare;
import dev.campaignstream.upstream.Upstreams;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the workers of one node hold right now, shared by its worker instances: open streams,
 * and chunks parsed from OpenAI but waiting for the caller's credit. Both must return to zero
 * when the streams end, whatever way they end.
 */
public final class WorkerLoad implements WorkerHealth {

  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicLong bufferedChunks = new AtomicLong();
  private final Upstreams upstreams;
  private final AtomicInteger runningInstances = new AtomicInteger();

  public WorkerLoad(Upstreams upstreams) {
    this.upstreams = upstreams;
  }

  public Upstreams upstreams() {
    return upstreams;
  }

  /** The worst state among the node's circuit breakers: 0 closed, 1 half-open, 2 open. */
  public int circuitState() {
    return upstreams.all().stream().mapToInt(UpstreamShare::circuitState).max().orElse(0);
  }

  @Override
  public boolean runsWorkers() {
    return runningInstances.get() > 0;
  }

  /** Ready while some upstream can take new streams; each upstream's state says which cannot, and why. */
  @Override
  public JsonObject health() {
    return new JsonObject().put("available", upstreams.anyAvailable()).put("upstreams", upstreams.report());
  }

  void instanceStarted() {
    runningInstances.incrementAndGet();
  }

  void instanceStopped() {
    runningInstances.decrementAndGet();
  }

  public int streams() {
    return streams.get();
  }

  public long bufferedChunks() {
    return bufferedChunks.get();
  }

  void streamOpened() {
    streams.incrementAndGet();
  }

  void streamClosed() {
    streams.decrementAndGet();
  }

  void buffered(long delta) {
    bufferedChunks.addAndGet(delta);
  }
}
