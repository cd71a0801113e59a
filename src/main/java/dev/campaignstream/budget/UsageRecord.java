package dev.campaignstream.budget;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One campaign request's line in the usage log, filled in by two sides: the caller's end (how the
 * cache answered, how the request ended) and, for a request that started an upstream call, the
 * campaign's end (the tokens). Written once both are known, whichever comes last: a caller who
 * leaves a stream others still read is charged when the stream ends.
 */
public final class UsageRecord {

  private final UsageLog log;
  private final String keyName;
  private final String requestId;
  private String cache;
  private String model;
  private String upstream;
  private TokenUse tokens;
  private String outcome;
  private String error;
  private boolean written;

  UsageRecord(UsageLog log, String keyName, String requestId) {
    this.log = log;
    this.keyName = keyName;
    this.requestId = requestId;
  }

  /** How the cache answered: {@code hit} and {@code shared} cost this request nothing. */
  public synchronized void cache(String result) {
    cache = result;
    if (!"miss".equals(result)) {
      tokens = TokenUse.NONE;
    }
  }

  /**
   * Who wrote the campaign the request got: the model, and the configured name of the upstream
   * (null when no upstream wrote it, as for a request refused before one was tried).
   */
  public synchronized void writtenBy(String byModel, String byUpstream) {
    model = byModel;
    upstream = byUpstream;
  }

  /** What the upstream call this request started cost. */
  public synchronized void tokens(TokenUse use) {
    tokens = use;
    writeWhenComplete();
  }

  /**
   * The request ended: {@code completed}, {@code cancelled}, {@code failed}, {@code timed_out} or
   * {@code rejected}, with the kind of error it got, if any. One that never joined a campaign
   * (refused, or ended while it was being looked up) started no call.
   */
  public synchronized void finished(String how, String errorKind) {
    outcome = how;
    error = errorKind;
    if (cache == null) {
      tokens = TokenUse.NONE;
    }
    writeWhenComplete();
  }

  private void writeWhenComplete() {
    if (written || outcome == null || tokens == null) {
      return;
    }
    written = true;
    log.write(new JsonObject()
        .put("time", Instant.now().toString())
        .put("key", keyName)
        .put("request_id", requestId)
        .put("model", model != null ? model : log.model())
        .put("upstream", upstream)
        .put("prompt_tokens", tokens.prompt())
        .put("completion_tokens", tokens.completion())
        .put("estimated", tokens.estimated())
        .put("cache", cache)
        .put("outcome", outcome)
        .put("error", error));
  }
}
