package dev.campaignstream.front;

import dev.campaignstream.protocol.StreamError;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** An RFC 9457 problem response: {@code application/problem+json} with title, status and detail. */
public record Problem(int status, String detail, String parameter, String rule, Long retryAfterSeconds) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public static Problem of(int status, String detail) {
    return new Problem(status, detail, null, null, null);
  }

  /** A failed stream's answer to a caller it has sent nothing to yet. */
  public static Problem of(StreamError error) {
    return new Problem(error.status(), error.detail(), null, null, error.retryAfterSeconds());
  }

  public Problem retryAfter(Long seconds) {
    return new Problem(status, detail, parameter, rule, seconds);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
        .put("status", status)
        .put("detail", detail);
    if (parameter != null) {
      json.put("parameter", parameter);
    }
    if (rule != null) {
      json.put("rule", rule);
    }
    return json;
  }

  /** Sends this problem, unless the response has already started (then there is nothing to say). */
  public Future<Void> send(HttpServerResponse response) {
    return send(response, toJson());
  }

  /** Sends this problem with members of its own beside the standard ones (RFC 9457 extensions). */
  public Future<Void> send(HttpServerResponse response, JsonObject body) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    if (retryAfterSeconds != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    return response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
