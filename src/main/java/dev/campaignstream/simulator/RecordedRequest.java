package dev.campaignstream.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * One request as the simulator saw it.
 *
 * @param version         the HTTP version it came over, e.g. {@code HTTP_1_1}, {@code HTTP_2}
 * @param query           the query string as sent, or null without one
 * @param headers         case-insensitive copy of the request headers (Authorization included)
 * @param body            the parsed JSON body, or null when it was absent or not a JSON object
 * @param receivedAtNanos {@link System#nanoTime()} when the request arrived
 */
public record RecordedRequest(String method, String version, String path, String query, MultiMap headers, JsonObject body, long receivedAtNanos) {

  /** Convenience for tests: the last {@code user} message content, or null. */
  public String lastUserMessage() {
    return body == null ? null : ChatRequests.lastUserText(body);
  }
}
