package dev.campaignstream.simulator;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.ThreadLocalRandom;

/** What every simulated OpenAI response carries, streams and errors alike, and the random ids in it. */
final class OpenAiHeaders {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private OpenAiHeaders() {
  }

  static String newRequestId() {
    return "req_" + randomId(32);
  }

  static void put(HttpServerResponse response, String requestId, long receivedAtNanos) {
    response.putHeader("x-request-id", requestId)
        .putHeader("openai-processing-ms", Long.toString((System.nanoTime() - receivedAtNanos) / 1_000_000))
        .putHeader("openai-version", "2020-10-01");
    // A roomy limit, unless the simulator plays one (RateLimits) and has told it already.
    if (response.headers().get("x-ratelimit-limit-requests") == null) {
      response.putHeader("x-ratelimit-limit-requests", "10000")
          .putHeader("x-ratelimit-remaining-requests", "9999");
    }
  }

  static String randomId(int length) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
