package dev.campaignstream.front;

import dev.campaignstream.budget.KeyBudgets;
import dev.campaignstream.budget.Limit;
import dev.campaignstream.budget.RateLimitFields;
import dev.campaignstream.budget.UsageLog;
import dev.campaignstream.budget.UsageRecord;
import dev.campaignstream.budget.Verdict;
import dev.campaignstream.front.sink.CampaignSink;
import dev.campaignstream.keys.CallerKey;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.sharing.CacheResult;
import dev.campaignstream.sharing.CampaignRequest;
import dev.campaignstream.sharing.Campaigns;
import dev.campaignstream.sharing.WorkerLinks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers of one HTTP verticle instance: each holds one of the node's stream slots from its
 * request until it finishes, whatever serves it (the cache, a campaign in flight, a new one),
 * since each holds a connection; and, for a caller with a key, one of its key's stream slots, once
 * the key's limits admitted it. Counts and logs every error a caller gets. Runs on its verticle's
 * event loop only.
 */
final class Callers {

  private static final Logger LOG = LoggerFactory.getLogger(Callers.class);

  private final Vertx vertx;
  private final StreamLimiter limiter;
  private final ServiceMetrics metrics;
  private final Campaigns campaigns;
  private final WorkerLinks links;
  private final KeyBudgets budgets;
  private final UsageLog usage;
  private final Set<CallerStream> callers = new HashSet<>();

  Callers(Vertx vertx, FrontNode node, WorkerLinks links) {
    this.vertx = vertx;
    this.limiter = node.limiter();
    this.metrics = node.metrics();
    this.campaigns = node.shared();
    this.links = links;
    this.budgets = node.budgets();
    this.usage = node.usage();
  }

  /** The usage-log line of a campaign request; {@code key} is null with caller authentication off. */
  UsageRecord usageOf(CallerKey key, String requestId) {
    return usage.record(key == null ? null : key.name(), requestId);
  }

  /** This instance's callers end now, whichever instance feeds their campaign; then the campaigns it feeds. */
  Future<Void> stop() {
    StreamError shutdown = new StreamError(503, "shutdown", "The service is shutting down, try again", 1L);
    new ArrayList<>(callers).forEach(caller -> caller.abort(shutdown));
    return links.stop(shutdown);
  }

  /**
   * Serves a caller, or answers 503 at once when the node is at its cap, or 429 when its key is over
   * a limit. The node's cap is checked first: it costs nothing, and a refused caller is then not
   * counted against its key.
   */
  void open(HttpServerResponse response, CampaignSink sink, CampaignRequest request, AccessRecord access,
      CallerKey key) {
    UsageRecord record = usageOf(key, request.requestId());
    access.node = campaigns.node();
    if (!limiter.tryAcquire()) {
      metrics.shed();
      refuse(response, access, new StreamError(503, "shed",
          "This node is serving its maximum of " + limiter.max() + " streams, try again shortly", 1L), record);
      return;
    }
    if (key == null) {
      serve(response, sink, request, access, new CallerAccount(null, null, record, budgets, metrics, request.prompt()));
      return;
    }
    budgets.admit(key).onComplete(admission -> {
      if (admission.failed()) {
        limiter.release();
        LOG.warn("Request {}: the limits of key {} could not be checked: {}", request.requestId(), key.name(),
            admission.cause().toString());
        refuse(response, access, new StreamError(503, "limits_unavailable",
            "The service cannot check this key's limits now, try again shortly", 1L), record);
        return;
      }
      Verdict verdict = admission.result();
      if (!verdict.admitted()) {
        limiter.release();
        overLimit(response, access, key, verdict, record);
        return;
      }
      rateLimitFields(response, key, verdict);
      CallerAccount account = new CallerAccount(key, verdict, record, budgets, metrics, request.prompt());
      if (response.closed()) {
        // Gone while its limits were being checked in the cluster.
        limiter.release();
        account.finished("cancelled", "-");
        return;
      }
      serve(response, sink, request, access, account);
    });
  }

  private void serve(HttpServerResponse response, CampaignSink sink, CampaignRequest request, AccessRecord access,
      CallerAccount account) {
    CallerStream caller = new CallerStream(vertx.getOrCreateContext(), sink, access, this, campaigns.maxLagChunks(),
        account);
    callers.add(caller);
    response.closeHandler(v -> caller.callerGone());
    campaigns.serve(caller, request.paidBy(account), links);
  }

  /**
   * 429: the limit that was hit and when it frees, in the problem, in {@code Retry-After} and in
   * the rate-limit fields.
   */
  private void overLimit(HttpServerResponse response, AccessRecord access, CallerKey key, Verdict verdict,
      UsageRecord record) {
    Limit limit = verdict.refusedBy();
    long wait = verdict.retryAfterSeconds();
    metrics.keyRefused(key.name(), limit.field());
    StreamError error = new StreamError(429, limit.field(), overLimitDetail(key, limit, wait), wait);
    errorSent(access, error);
    record.finished("rejected", error.kind());
    rateLimitFields(response, key, verdict);
    Problem problem = Problem.of(error);
    problem.send(response, problem.toJson()
        .put("limit", limit.field())
        .put("retryAfterSeconds", wait)
        .put("freesAt", Instant.now().plusSeconds(wait).toString()));
  }

  private static String overLimitDetail(CallerKey key, Limit limit, long wait) {
    return switch (limit) {
      case REQUESTS_PER_MINUTE -> "Key " + key.name() + " has started its " + key.limits().requestsPerMinute()
          + " campaign requests of the last minute (requestsPerMinute); the next frees in " + wait + " s";
      case CONCURRENT_STREAMS -> "Key " + key.name() + " has its " + key.limits().concurrentStreams()
          + " campaign streams open (concurrentStreams); one frees when one of them ends";
      case TOKENS_PER_DAY -> "Key " + key.name() + " has spent its " + key.limits().tokensPerDay()
          + " tokens of today, UTC (tokensPerDay); they renew at midnight UTC, in " + wait + " s";
    };
  }

  private static void rateLimitFields(HttpServerResponse response, CallerKey key, Verdict verdict) {
    String policy = RateLimitFields.policy(key.limits());
    if (policy != null) {
      response.putHeader(RateLimitFields.POLICY, policy);
      String remaining = RateLimitFields.remaining(key.limits(), verdict);
      if (remaining != null) {
        response.putHeader(RateLimitFields.LIMIT, remaining);
      }
    }
  }

  /** Answers a caller that no stream will serve; counted and logged like a stream's error. */
  void refuse(HttpServerResponse response, AccessRecord access, StreamError error, UsageRecord record) {
    errorSent(access, error);
    access.ended("rejected");
    record.finished("rejected", error.kind());
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
