package dev.campaignstream.worker;

import dev.campaignstream.config.UpstreamSettings;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.upstream.Refusal;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What an OpenAI failure means for the caller. OpenAI's own error message is never passed on:
 * for a bad key it quotes part of the key. Only its error code, an identifier, is.
 */
final class UpstreamErrors {

  private static final Pattern SAFE_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private UpstreamErrors() {
  }

  /** OpenAI answered with an error status before streaming; the single upstream's settings named. */
  static StreamError forStatus(int status, MultiMap headers, Buffer body) {
    return forStatus(status, headers, body, "OPENAI_API_KEY", "OPENAI_MODEL and OPENAI_BASE_URL");
  }

  /** An upstream answered with an error status before streaming: the operator is told where to look. */
  static StreamError forStatus(int status, MultiMap headers, Buffer body, UpstreamSettings upstream) {
    if (UpstreamSettings.SINGLE.equals(upstream.name())) {
      return forStatus(status, headers, body);
    }
    String where = "upstream " + upstream.name() + "'s ";
    return forStatus(status, headers, body, where + (upstream.apiKeyEnv() == null ? "key" : upstream.apiKeyEnv()),
        where + "model and baseUrl");
  }

  private static StreamError forStatus(int status, MultiMap headers, Buffer body, String key, String request) {
    String code = errorCode(body);
    Long retryAfter = retryAfterSeconds(headers);
    if (status == 429 && "insufficient_quota".equals(code)) {
      return new StreamError(502, "insufficient_quota",
          "OpenAI refused the request: the service's OpenAI account has no quota left; the operator must check its plan and billing",
          null);
    }
    if (status == 429) {
      long wait = retryAfter == null ? 1 : retryAfter;
      return new StreamError(429, "rate_limited",
          "OpenAI is rate-limiting this service, try again in " + wait + " second" + (wait == 1 ? "" : "s"), wait);
    }
    if (status == 401 || status == 403) {
      return new StreamError(502, "credentials",
          "OpenAI rejected the service's API key (HTTP " + status + describe(code)
              + "); the operator must check " + key, null);
    }
    if (status == 408 || status >= 500) {
      return new StreamError(503, "upstream_" + status, StreamError.BUSY, retryAfter);
    }
    return new StreamError(502, "rejected",
        "OpenAI rejected the service's request (HTTP " + status + describe(code)
            + "); the operator must check " + request, null);
  }

  /** The call never got an answer: refused, reset, DNS, TLS or connect timeout. */
  static StreamError connectionFailed() {
    return StreamError.busy("connection");
  }

  /** An {@code {"error": ...}} payload in the middle of a stream. */
  static StreamError inStream(JsonObject error) {
    String code = safe(error.getValue("code"));
    if (code == null) {
      code = safe(error.getValue("type"));
    }
    return new StreamError(502, "stream_error",
        "OpenAI reported an error in the middle of the stream" + (code == null ? "" : " (" + code + ")")
            + "; the campaign is incomplete, try again", null);
  }

  /**
   * No upstream could take the stream, at once or within its wait. The service's own capacity is
   * named as such: it is not OpenAI's doing.
   */
  static StreamError noUpstream(Refusal refusal) {
    long seconds = Math.max(1, (refusal.retryAfterMs() + 999) / 1000);
    return switch (refusal.reason()) {
      case NO_CONNECTION -> new StreamError(503, "no_capacity", "This service is at its capacity: all its"
          + " connections to the model are in use on this node, try again in " + seconds + " second"
          + (seconds == 1 ? "" : "s"), seconds);
      case AT_CAP -> new StreamError(503, "upstreams_full", "Every upstream of this service holds as many"
          + " streams as its operator allows, try again in " + seconds + " second" + (seconds == 1 ? "" : "s"),
          seconds);
      case RATE_LIMITED -> new StreamError(429, "rate_limited", "OpenAI is rate-limiting every upstream of this"
          + " service, try again in " + seconds + " second" + (seconds == 1 ? "" : "s"), seconds);
      case CIRCUIT_OPEN -> new StreamError(503, "circuit_open", StreamError.BUSY, seconds);
    };
  }

  /** The HTTP side asked for a model no upstream of this worker serves: the nodes' configurations differ. */
  static StreamError noUpstreamFor(String model) {
    return new StreamError(503, "no_upstream_for_model", "No upstream of this service's worker serves the model "
        + safe(model) + "; the operator must give every node the same openai.upstreams", null);
  }

  static StreamError circuitOpen(long resetTimeoutMs) {
    return new StreamError(503, "circuit_open", StreamError.BUSY, Math.max(1, (resetTimeoutMs + 999) / 1000));
  }

  /** OpenAI is failing rather than refusing us: these count against the circuit breaker. */
  static boolean isOutage(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static StreamError cut(boolean started) {
    return started
        ? new StreamError(502, "cut", "OpenAI's stream broke off before the campaign was finished, try again", null)
        : StreamError.busy("cut");
  }

  static StreamError malformed() {
    return new StreamError(502, "malformed", "OpenAI sent a stream this service cannot read, try again", null);
  }

  /**
   * OpenAI answered 200 with something that is not an event stream (an HTML page, a JSON
   * document, nothing): most likely OPENAI_BASE_URL points at something else, which no retry mends.
   */
  static StreamError notEventStream() {
    return new StreamError(502, "not_event_stream",
        "OpenAI answered without an event stream; the operator must check OPENAI_BASE_URL", null);
  }

  static StreamError firstTokenTimeout(long ms) {
    return new StreamError(504, "first_token_timeout",
        "OpenAI did not send a first token within " + ms + " ms, try again later", null);
  }

  static StreamError idleTimeout(long ms) {
    return new StreamError(504, "idle_timeout",
        "OpenAI's stream went quiet for " + ms + " ms; the campaign is incomplete, try again", null);
  }

  static StreamError totalTimeout(long ms) {
    return new StreamError(504, "total_timeout",
        "The campaign took longer than this service's limit of " + ms + " ms", null);
  }

  static boolean isRetryableStatus(int status, Buffer body) {
    return switch (status) {
      case 408, 500, 502, 503, 504 -> true;
      case 429 -> !"insufficient_quota".equals(errorCode(body));
      default -> false;
    };
  }

  /**
   * The longest wait OpenAI's {@code retry-after-ms} or {@code retry-after} is taken at, here and
   * in what the caller is told. Its rate limits are per minute, and its SDKs honour waits of about
   * a minute and give up beyond: a longer figure is a broken or hostile header (one of
   * {@code 99999999999999999999} once reached callers as {@code 9223372036854775807} seconds), and
   * a caller told to wait a minute can ask again then.
   */
  static final long MAX_RETRY_AFTER_MS = 60_000;

  /** {@code retry-after-ms} first (it is more precise), then {@code retry-after} in seconds; rounded up, clamped. */
  static Long retryAfterSeconds(MultiMap headers) {
    Long ms = retryAfterMillis(headers);
    return ms == null ? null : (ms + 999) / 1000;
  }

  /** Like {@link #retryAfterSeconds}, in milliseconds; at most {@link #MAX_RETRY_AFTER_MS}. */
  static Long retryAfterMillis(MultiMap headers) {
    Double ms = parse(headers.get("retry-after-ms"));
    if (ms == null) {
      Double seconds = parse(headers.get("retry-after"));
      ms = seconds == null ? null : seconds * 1000;
    }
    return ms == null ? null : (long) Math.ceil(Math.min(ms, MAX_RETRY_AFTER_MS));
  }

  private static Double parse(String value) {
    if (value == null) {
      return null;
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      return parsed >= 0 && Double.isFinite(parsed) ? parsed : null;
    } catch (NumberFormatException notANumber) {
      return null; // an HTTP date: rare from OpenAI, and backoff covers it
    }
  }

  private static String errorCode(Buffer body) {
    try {
      JsonObject error = body == null ? null : new JsonObject(body).getJsonObject("error");
      return error == null ? null : safe(error.getValue("code"));
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String safe(Object code) {
    return code != null && SAFE_CODE.matcher(code.toString()).matches() ? code.toString() : null;
  }

  private static String describe(String code) {
    return code == null ? "" : ", " + code;
  }
}
