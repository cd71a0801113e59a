package dev.campaignstream.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the simulator answers one {@code /v1/chat/completions} request. A value, so one can be shared
 * between tests and enqueued several times: each {@code with…} method returns a changed copy. Start from
 * {@link #stream()} (a complete stream) or from a fault factory ({@link #status}, {@link #rateLimited},
 * {@link #hang()}, {@link #cutAfter(int)}, …).
 *
 * <pre>{@code
 * sim.enqueue(
 *     Behaviour.rateLimited(Duration.ofMillis(50)),
 *     Behaviour.stream().withDeltas("Hello", " world").withChunkInterval(Duration.ZERO));
 * sim.enqueue(Behaviour.cutAfter(3).withSplitWrites(true).withLineEnding("\r\n"));
 * }</pre>
 *
 * @param deltas          the content of each content chunk, verbatim; null = the campaign written for the brand
 * @param chunks          content chunks to send; 0 = the text's own length, more repeat it (lazily, so a
 *                        long stream costs nothing up front), fewer truncate it
 * @param firstTokenDelay before anything, headers included, is written
 * @param chunkInterval   between content chunks; zero = as fast as the client drains
 * @param finishReason    of the finish chunk
 * @param fault           what goes wrong, or null for a complete stream
 * @param framing         how the events are laid out in bytes
 */
public record Behaviour(List<String> deltas, int chunks, Delay firstTokenDelay, Delay chunkInterval,
                        String finishReason, Fault fault, Framing framing) {

  public Behaviour {
    if (deltas != null) {
      deltas = List.copyOf(deltas);
      if (deltas.isEmpty()) {
        throw new IllegalArgumentException("deltas must not be empty");
      }
    }
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks must be >= 0");
    }
    Objects.requireNonNull(firstTokenDelay, "firstTokenDelay");
    Objects.requireNonNull(chunkInterval, "chunkInterval");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(framing, "framing");
  }

  /** A delay picked uniformly in [min, max], with millisecond resolution, each time it is used. */
  public record Delay(Duration min, Duration max) {
    static final Delay NONE = new Delay(Duration.ZERO, Duration.ZERO);

    public Delay {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ".." + max);
      }
    }

    long pickMillis() {
      long lo = min.toMillis();
      long hi = max.toMillis();
      return lo == hi ? lo : ThreadLocalRandom.current().nextLong(lo, hi + 1);
    }

    @Override
    public String toString() {
      return min.toMillis() + ".." + max.toMillis() + "ms";
    }
  }

  /**
   * The byte layout of the events, all of it legal SSE that naive parsers get wrong.
   *
   * @param lineEnding        "\n", "\r\n" or "\r"
   * @param splitWrites       each event in several writes, cut inside UTF-8 sequences and between CR and LF
   * @param keepAliveComments a {@code : keep-alive} comment every few content chunks
   */
  public record Framing(String lineEnding, boolean splitWrites, boolean keepAliveComments) {
    static final Framing PLAIN = new Framing("\n", false, false);

    public Framing {
      if (!List.of("\n", "\r\n", "\r").contains(lineEnding)) {
        throw new IllegalArgumentException("line ending must be \\n, \\r\\n or \\r");
      }
    }

    @Override
    public String toString() {
      return lineEnding.replace("\r", "CR").replace("\n", "LF")
          + (splitWrites ? " split" : "") + (keepAliveComments ? " keep-alive" : "");
    }
  }

  // ---------------------------------------------------------------- factories

  /** A complete stream of the campaign written for the brand, as fast as backpressure allows. */
  public static Behaviour stream() {
    return new Behaviour(null, 0, Delay.NONE, Delay.NONE, "stop", null, Framing.PLAIN);
  }

  /** Answer {@code code} with {@code errorBody} (OpenAI's shape, see {@link #error}) and extra headers. */
  public static Behaviour status(int code, JsonObject errorBody, Map<String, String> headers) {
    return stream().withFault(new Fault.Status(code, errorBody, headers));
  }

  /** 429 rate limit carrying both {@code retry-after} (whole seconds, at least 1) and {@code retry-after-ms}. */
  public static Behaviour rateLimited(Duration retryAfter) {
    long ms = Math.max(0, retryAfter.toMillis());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("retry-after", Long.toString(Math.max(1, (ms + 999) / 1000)));
    headers.put("retry-after-ms", Long.toString(ms));
    headers.put("x-ratelimit-limit-requests", "10000");
    headers.put("x-ratelimit-remaining-requests", "0");
    headers.put("x-ratelimit-reset-requests", ms + "ms");
    return status(429, error("Rate limit reached for requests per min (RPM): Limit 10000, Used 10000, Requested 1. "
        + "Please try again in " + ms + "ms.", "requests", null, "rate_limit_exceeded"), headers);
  }

  /** 429 rate limit with only {@code retry-after} in seconds, as some OpenAI deployments send. */
  public static Behaviour rateLimitedSeconds(int retryAfterSeconds) {
    return status(429, error("Rate limit reached for requests per min (RPM). Please try again in "
            + retryAfterSeconds + "s.", "requests", null, "rate_limit_exceeded"),
        Map.of("retry-after", Integer.toString(retryAfterSeconds)));
  }

  /** 429 {@code insufficient_quota}: looks like a rate limit but retrying never helps. */
  public static Behaviour insufficientQuota() {
    return status(429, error("You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota", null, "insufficient_quota"), Map.of());
  }

  /** 401 {@code invalid_api_key}. */
  public static Behaviour invalidApiKey() {
    return status(401, error("Incorrect API key provided. You can find your API key at "
        + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key"), Map.of());
  }

  /** 400 {@code invalid_request_error}. */
  public static Behaviour badRequest(String message) {
    return status(400, error(message, "invalid_request_error", null, null), Map.of());
  }

  /** 500 {@code server_error}. */
  public static Behaviour serverError() {
    return status(500, error("The server had an error while processing your request. Sorry about that!",
        "server_error", null, null), Map.of());
  }

  /** 503 overloaded. */
  public static Behaviour unavailable() {
    return status(503, error("The engine is currently overloaded, please try again later.",
        "server_error", null, null), Map.of());
  }

  /** Accept the request and never answer until the client closes the connection. */
  public static Behaviour hang() {
    return stream().withFault(new Fault.Hang());
  }

  /** Send {@code n} content chunks, then close the connection abruptly (no finish chunk, no [DONE]). */
  public static Behaviour cutAfter(int n) {
    return stream().withFault(new Fault.Cut(n));
  }

  /** Send {@code n} content chunks, then {@code data: {"error": …}} (an OpenAI error body) and end. */
  public static Behaviour errorAfter(int n, JsonObject error) {
    return stream().withFault(new Fault.ErrorEvent(n, error));
  }

  /** Send {@code n} content chunks, then an event whose data is not JSON, and end. */
  public static Behaviour malformedAfter(int n) {
    return stream().withFault(new Fault.Malformed(n));
  }

  /** Send {@code n} content chunks, then go silent without closing. */
  public static Behaviour stallAfter(int n) {
    return stream().withFault(new Fault.Stall(n));
  }

  /** Send {@code n} content chunks, then only keep-alive comments, one every {@code every}, never ending. */
  public static Behaviour keepAliveOnlyAfter(int n, Duration every) {
    return stream().withFault(new Fault.KeepAliveOnly(n, every));
  }

  /** Answer 200 with a body that is not an event stream (HTML, JSON, or empty). */
  public static Behaviour notEventStream(String contentType, String body) {
    return stream().withFault(new Fault.NotEventStream(contentType, body));
  }

  /** A complete stream whose first byte (headers included) is delayed. */
  public static Behaviour slowFirstByte(Duration delay) {
    return stream().withFirstTokenDelay(delay);
  }

  /** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}, param and code may be null. */
  public static JsonObject error(String message, String type, String param, String code) {
    // Explicit nulls: OpenAI always sends all four keys.
    JsonObject e = new JsonObject().put("message", message).put("type", type).put("param", param).put("code", code);
    return new JsonObject().put("error", e);
  }

  // ---------------------------------------------------------------- copies with one part changed

  public Behaviour withDeltas(List<String> deltas) {
    return new Behaviour(Objects.requireNonNull(deltas, "deltas"), chunks, firstTokenDelay, chunkInterval,
        finishReason, fault, framing);
  }

  public Behaviour withDeltas(String... deltas) {
    return withDeltas(List.of(deltas));
  }

  public Behaviour withChunks(int chunks) {
    return new Behaviour(deltas, chunks, firstTokenDelay, chunkInterval, finishReason, fault, framing);
  }

  public Behaviour withFirstTokenDelay(Duration delay) {
    return withFirstTokenDelay(delay, delay);
  }

  /** Picked anew for each request. */
  public Behaviour withFirstTokenDelay(Duration min, Duration max) {
    return new Behaviour(deltas, chunks, new Delay(min, max), chunkInterval, finishReason, fault, framing);
  }

  public Behaviour withChunkInterval(Duration interval) {
    return withChunkInterval(interval, interval);
  }

  /** Picked anew for each chunk. */
  public Behaviour withChunkInterval(Duration min, Duration max) {
    return new Behaviour(deltas, chunks, firstTokenDelay, new Delay(min, max), finishReason, fault, framing);
  }

  public Behaviour withFinishReason(String finishReason) {
    return new Behaviour(deltas, chunks, firstTokenDelay, chunkInterval, finishReason, fault, framing);
  }

  /** Replaces the fault; null makes it a complete stream. */
  public Behaviour withFault(Fault fault) {
    return new Behaviour(deltas, chunks, firstTokenDelay, chunkInterval, finishReason, fault, framing);
  }

  public Behaviour withLineEnding(String lineEnding) {
    return withFraming(new Framing(lineEnding, framing.splitWrites(), framing.keepAliveComments()));
  }

  public Behaviour withSplitWrites(boolean split) {
    return withFraming(new Framing(framing.lineEnding(), split, framing.keepAliveComments()));
  }

  public Behaviour withKeepAliveComments(boolean on) {
    return withFraming(new Framing(framing.lineEnding(), framing.splitWrites(), on));
  }

  public Behaviour withFraming(Framing framing) {
    return new Behaviour(deltas, chunks, firstTokenDelay, chunkInterval, finishReason, fault, framing);
  }

  /** Short, one line: the bench prints it, and explicit deltas can be long. */
  @Override
  public String toString() {
    return "Behaviour[" + (fault == null ? "complete" : fault)
        + ", deltas=" + (deltas == null ? "generated" : deltas.size()) + ", chunks=" + chunks
        + ", firstToken=" + firstTokenDelay + ", interval=" + chunkInterval
        + ", finish=" + finishReason + ", " + framing + "]";
  }
}
