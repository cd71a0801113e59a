package dev.campaignstream.upstream;

import dev.campaignstream.config.OpenAiSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstreams of one worker node, shared by its worker instances, and the streams waiting for
 * one of them: what readiness, metrics and each instance's choice read.
 */
public final class Upstreams {

  private final List<UpstreamShare> shares;
  private final int maxWaiting;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger waitingForConnection = new AtomicInteger();

  private Upstreams(List<UpstreamShare> shares, int maxWaiting) {
    this.shares = shares;
    this.maxWaiting = maxWaiting;
  }

  public static Upstreams of(OpenAiSettings settings) {
    return new Upstreams(settings.upstreams().stream()
        .map(upstream -> new UpstreamShare(upstream, settings.maxConnections(), settings.circuit().resetTimeoutMs()))
        .toList(), settings.queue().maxSize());
  }

  public List<UpstreamShare> all() {
    return shares;
  }

  /** Whether some upstream can take a new stream now. */
  public boolean anyAvailable() {
    return shares.stream().anyMatch(share -> share.refusal() == null);
  }

  /** Each upstream's state, for readiness: name, whether it takes new streams, and why not. */
  public JsonArray report() {
    JsonArray report = new JsonArray();
    for (UpstreamShare share : shares) {
      Refusal refusal = share.refusal();
      JsonObject entry = new JsonObject().put("name", share.name()).put("available", refusal == null)
          .put("streams", share.streams()).put("circuits", new JsonArray(share.circuits()));
      if (refusal != null) {
        entry.put("reason", refusal.reason().label());
        if (refusal.retryAfterMs() > 0) {
          entry.put("retryAfterMs", refusal.retryAfterMs());
        }
      }
      report.add(entry);
    }
    return report;
  }

  /** Takes a place in the node's wait, unless it is full. */
  public boolean enterWait(Refusal why) {
    if (waiting.getAndUpdate(now -> now < maxWaiting ? now + 1 : now) >= maxWaiting) {
      return false;
    }
    if (why.reason() == Refusal.Reason.NO_CONNECTION) {
      waitingForConnection.incrementAndGet();
    }
    return true;
  }

  public void leaveWait(Refusal why) {
    waiting.decrementAndGet();
    if (why.reason() == Refusal.Reason.NO_CONNECTION) {
      waitingForConnection.decrementAndGet();
    }
  }

  public int waiting() {
    return waiting.get();
  }

  public int waitingForConnection() {
    return waitingForConnection.get();
  }
}
