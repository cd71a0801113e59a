package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Why a stream failed, in terms the HTTP side can answer with: the status a caller should see,
 * a detail it can act on, an optional Retry-After in seconds, and a low-cardinality kind for
 * logs and metrics. Never carries the OpenAI key or OpenAI's own error message (which can quote
 * a part of the key).
 */
public record StreamError(int status, String kind, String detail, Long retryAfterSeconds) {

  /** The original service's words for an OpenAI outage; callers may match on them. */
  public static final String BUSY = "OpenAI server is busy, try again later";

  public static StreamError busy(String kind) {
    return new StreamError(503, kind, BUSY, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", status).put("kind", kind).put("detail", detail);
    if (retryAfterSeconds != null) {
      json.put("retry_after", retryAfterSeconds);
    }
    return json;
  }

  public static StreamError fromJson(JsonObject json) {
    return new StreamError(
        json.getInteger("status", 502),
        json.getString("kind", "unknown"),
        json.getString("detail", "The campaign stream failed"),
        json.getLong("retry_after"));
  }
}
