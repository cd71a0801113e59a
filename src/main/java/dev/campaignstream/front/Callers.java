package dev.campaignstream.front;

import dev.campaignstream.front.sink.CampaignSink;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.sharing.CacheResult;
import dev.campaignstream.sharing.CampaignRequest;
import dev.campaignstream.sharing.Campaigns;
import dev.campaignstream.sharing.WorkerLinks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * The callers of one HTTP verticle instance: each holds one of the node's stream slots from its
 * request until it finishes, whatever serves it (the cache, a campaign in flight, a new one),
 * since each holds a connection. Counts and logs every error a caller gets. Runs on its
 * verticle's event loop only.
 */
final class Callers {

  private final Vertx vertx;
  private final StreamLimiter limiter;
  private final ServiceMetrics metrics;
  private final Campaigns campaigns;
  private final WorkerLinks links;
  private final Set<CallerStream> callers = new HashSet<>();

  Callers(Vertx vertx, FrontNode node, WorkerLinks links) {
    this.vertx = vertx;
    this.limiter = node.limiter();
    this.metrics = node.metrics();
    this.campaigns = node.shared();
    this.links = links;
  }

  /** This instance's callers end now, whichever instance feeds their campaign; then the campaigns it feeds. */
  Future<Void> stop() {
    StreamError shutdown = new StreamError(503, "shutdown", "The service is shutting down, try again", 1L);
    new ArrayList<>(callers).forEach(caller -> caller.abort(shutdown));
    return links.stop(shutdown);
  }

  /** Serves a caller, or answers 503 at once when the node is at its cap. */
  void open(HttpServerResponse response, CampaignSink sink, CampaignRequest request, AccessRecord access) {
    if (!limiter.tryAcquire()) {
      metrics.shed();
      refuse(response, access, new StreamError(503, "shed",
          "This node is serving its maximum of " + limiter.max() + " streams, try again shortly", 1L));
      return;
    }
    CallerStream caller = new CallerStream(vertx.getOrCreateContext(), sink, access, this, campaigns.maxLagChunks());
    callers.add(caller);
    response.closeHandler(v -> caller.callerGone());
    campaigns.serve(caller, request, links);
  }

  /** Answers a caller that no stream will serve; counted and logged like a stream's error. */
  void refuse(HttpServerResponse response, AccessRecord access, StreamError error) {
    errorSent(access, error);
    access.ended("rejected");
    Problem.of(error).send(response);
  }

  /** Every error a caller is sent is named in its access-log line and counted by kind. */
  void errorSent(AccessRecord access, StreamError error) {
    access.error = error.kind();
    access.errorStatus = error.status();
    metrics.callerError(error.status(), error.kind());
  }

  void firstChunk(long requestStartedNanos) {
    metrics.firstChunkToCaller(System.nanoTime() - requestStartedNanos);
  }

  void chunksToCaller(int pieces) {
    metrics.chunksToCaller(pieces);
  }

  void cacheResult(CacheResult result) {
    metrics.cache(result.value());
  }

  /** A caller finished: its slot is free again. */
  void callerDone(CallerStream caller, AccessRecord access) {
    if (callers.remove(caller)) {
      access.ended(access.outcome);
      limiter.release();
      metrics.streamEnded(access.representation, access.outcome, System.nanoTime() - access.startedNanos);
    }
  }
}
