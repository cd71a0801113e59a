package dev.campaignstream.simulator;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the simulator answers one {@code /v1/chat/completions} request.
 * <p>
 * Immutable: every {@code with…} method returns a modified copy, so a value can be shared between tests
 * and enqueued several times. Start from {@link #stream()} (a normal stream) or from one of the fault
 * factories ({@link #status}, {@link #rateLimited}, {@link #hang()}, {@link #cutAfter(int)}, …).
 *
 * <pre>{@code
 * sim.enqueue(
 *     Behaviour.rateLimited(Duration.ofMillis(50)),            // 429 + retry-after / retry-after-ms
 *     Behaviour.stream().withDeltas("Hello", " world").withChunkInterval(Duration.ZERO));
 * sim.enqueue(Behaviour.cutAfter(3).withSplitWrites(true).withLineEnding("\r\n"));
 * }</pre>
 */
public final class Behaviour {

  /** What the response does instead of (or in the middle of) a normal stream. */
  public enum Fault {
    /** A normal, complete response. */
    NONE,
    /** An HTTP error status with an OpenAI error body, before any streaming. */
    STATUS,
    /** Accept the request, never answer, until the client gives up. */
    HANG,
    /** After n content chunks close the TCP connection without [DONE] or terminating chunk. */
    CUT,
    /** After n content chunks send {@code data: {"error": …}} and end the response. */
    ERROR,
    /** After n content chunks send <code>data: &#123;not json</code> and end the response. */
    MALFORMED,
    /** After n content chunks go silent, leaving the connection open. */
    STALL
  }

  private final List<String> deltas;          // null = generated campaign for the brand
  private final int chunks;                   // 0 = natural length of the text source
  private final Duration firstTokenDelayMin;
  private final Duration firstTokenDelayMax;
  private final Duration chunkIntervalMin;
  private final Duration chunkIntervalMax;
  private final String finishReason;
  private final Fault fault;
  private final int faultAfter;
  private final int status;
  private final JsonObject errorBody;
  private final Map<String, String> errorHeaders;
  private final JsonObject streamError;
  private final boolean splitWrites;
  private final String lineEnding;
  private final boolean keepAliveComments;

  private Behaviour(Spec s) {
    this.deltas = s.deltas;
    this.chunks = s.chunks;
    this.firstTokenDelayMin = s.firstTokenDelayMin;
    this.firstTokenDelayMax = s.firstTokenDelayMax;
    this.chunkIntervalMin = s.chunkIntervalMin;
    this.chunkIntervalMax = s.chunkIntervalMax;
    this.finishReason = s.finishReason;
    this.fault = s.fault;
    this.faultAfter = s.faultAfter;
    this.status = s.status;
    this.errorBody = s.errorBody;
    this.errorHeaders = s.errorHeaders;
    this.streamError = s.streamError;
    this.splitWrites = s.splitWrites;
    this.lineEnding = s.lineEnding;
    this.keepAliveComments = s.keepAliveComments;
  }

  // ---------------------------------------------------------------- factories

  /** A normal stream of the generated campaign, as fast as backpressure allows. */
  public static Behaviour stream() {
    return new Behaviour(new Spec());
  }

  /** Answer {@code code} with {@code errorBody} (OpenAI shape, see {@link #error}) and extra headers. */
  public static Behaviour status(int code, JsonObject errorBody, Map<String, String> headers) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("status must be an HTTP error code: " + code);
    }
    Objects.requireNonNull(errorBody, "errorBody");
    return stream().edit(s -> {
      s.fault = Fault.STATUS;
      s.status = code;
      s.errorBody = errorBody.copy();
      s.errorHeaders = Map.copyOf(headers == null ? Map.of() : headers);
    });
  }

  /** 429 rate limit carrying both {@code retry-after} (whole seconds, at least 1) and {@code retry-after-ms}. */
  public static Behaviour rateLimited(Duration retryAfter) {
    long ms = Math.max(0, retryAfter.toMillis());
    long seconds = Math.max(1, (ms + 999) / 1000);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("retry-after", Long.toString(seconds));
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
    return stream().edit(s -> s.fault = Fault.HANG);
  }

  /** Send {@code n} content chunks, then close the connection abruptly (no finish chunk, no [DONE]). */
  public static Behaviour cutAfter(int n) {
    return stream().withCutAfter(n);
  }

  /** Send {@code n} content chunks, then {@code data: {"error": …}} (an OpenAI error body) and end. */
  public static Behaviour errorAfter(int n, JsonObject error) {
    return stream().withErrorAfter(n, error);
  }

  /** Send {@code n} content chunks, then an event whose data is not JSON (<code>data: &#123;not json</code>), and end. */
  public static Behaviour malformedAfter(int n) {
    return stream().withMalformedAfter(n);
  }

  /** Send {@code n} content chunks, then go silent without closing. */
  public static Behaviour stallAfter(int n) {
    return stream().withStallAfter(n);
  }

  /** A normal stream whose first byte (headers included) is delayed. Same as {@code withFirstTokenDelay}. */
  public static Behaviour slowFirstByte(Duration delay) {
    return stream().withFirstTokenDelay(delay);
  }

  /** OpenAI's error body: {@code {"error":{"message","type","param","code"}}} (param/code may be null). */
  public static JsonObject error(String message, String type, String param, String code) {
    JsonObject e = new JsonObject().put("message", message).put("type", type);
    // Explicit nulls: OpenAI always sends all four keys.
    e.put("param", param);
    e.put("code", code);
    return new JsonObject().put("error", e);
  }

  // ---------------------------------------------------------------- withers

  /** Send exactly these deltas (content of each content chunk), verbatim. */
  public Behaviour withDeltas(List<String> deltas) {
    List<String> copy = List.copyOf(deltas);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("deltas must not be empty");
    }
    return edit(s -> s.deltas = copy);
  }

  public Behaviour withDeltas(String... deltas) {
    return withDeltas(List.of(deltas));
  }

  /** Use the generated campaign for the brand (the default). */
  public Behaviour withGeneratedText() {
    return edit(s -> s.deltas = null);
  }

  /**
   * Number of content chunks; 0 = the natural length of the text source. Larger values repeat the source
   * (lazily, so 200 000 costs nothing), smaller values truncate it.
   */
  public Behaviour withChunks(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("chunks must be >= 0");
    }
    return edit(s -> s.chunks = n);
  }

  /** Delay before anything (headers included) is written. */
  public Behaviour withFirstTokenDelay(Duration delay) {
    return withFirstTokenDelay(delay, delay);
  }

  /** Delay before the first byte, picked uniformly in [min, max] per request. */
  public Behaviour withFirstTokenDelay(Duration min, Duration max) {
    checkRange(min, max);
    return edit(s -> {
      s.firstTokenDelayMin = min;
      s.firstTokenDelayMax = max;
    });
  }

  /** Delay between content chunks; zero = as fast as the client drains (batched writes, no timers). */
  public Behaviour withChunkInterval(Duration interval) {
    return withChunkInterval(interval, interval);
  }

  /** Delay between content chunks, picked uniformly in [min, max] (millisecond resolution) per chunk. */
  public Behaviour withChunkInterval(Duration min, Duration max) {
    checkRange(min, max);
    return edit(s -> {
      s.chunkIntervalMin = min;
      s.chunkIntervalMax = max;
    });
  }

  public Behaviour withFinishReason(String finishReason) {
    Objects.requireNonNull(finishReason, "finishReason");
    return edit(s -> s.finishReason = finishReason);
  }

  public Behaviour withCutAfter(int n) {
    return withFaultAfter(Fault.CUT, n, null);
  }

  public Behaviour withErrorAfter(int n, JsonObject error) {
    Objects.requireNonNull(error, "error");
    return withFaultAfter(Fault.ERROR, n, error.copy());
  }

  public Behaviour withMalformedAfter(int n) {
    return withFaultAfter(Fault.MALFORMED, n, null);
  }

  public Behaviour withStallAfter(int n) {
    return withFaultAfter(Fault.STALL, n, null);
  }

  /** Write every event in several small writes split at awkward byte offsets (inside UTF-8 sequences, CR|LF). */
  public Behaviour withSplitWrites(boolean split) {
    return edit(s -> s.splitWrites = split);
  }

  /** Line ending used in events: "\n" (default), "\r\n" or "\r" — all legal in SSE. */
  public Behaviour withLineEnding(String lineEnding) {
    if (!List.of("\n", "\r\n", "\r").contains(lineEnding)) {
      throw new IllegalArgumentException("line ending must be \\n, \\r\\n or \\r");
    }
    return edit(s -> s.lineEnding = lineEnding);
  }

  /** Emit {@code : keep-alive} comment events every few chunks. */
  public Behaviour withKeepAliveComments(boolean on) {
    return edit(s -> s.keepAliveComments = on);
  }

  // ---------------------------------------------------------------- accessors

  /** Explicit deltas, or null when the campaign is generated from the brand. */
  public List<String> deltas() {
    return deltas;
  }

  public int chunks() {
    return chunks;
  }

  public Duration firstTokenDelayMin() {
    return firstTokenDelayMin;
  }

  public Duration firstTokenDelayMax() {
    return firstTokenDelayMax;
  }

  public Duration chunkIntervalMin() {
    return chunkIntervalMin;
  }

  public Duration chunkIntervalMax() {
    return chunkIntervalMax;
  }

  public String finishReason() {
    return finishReason;
  }

  public Fault fault() {
    return fault;
  }

  /** Content chunks sent before a CUT / ERROR / MALFORMED / STALL fault. */
  public int faultAfter() {
    return faultAfter;
  }

  public int status() {
    return status;
  }

  public JsonObject errorBody() {
    return errorBody == null ? null : errorBody.copy();
  }

  public Map<String, String> errorHeaders() {
    return errorHeaders;
  }

  public JsonObject streamError() {
    return streamError == null ? null : streamError.copy();
  }

  public boolean splitWrites() {
    return splitWrites;
  }

  public String lineEnding() {
    return lineEnding;
  }

  public boolean keepAliveComments() {
    return keepAliveComments;
  }

  @Override
  public String toString() {
    return "Behaviour[fault=" + fault + (fault == Fault.STATUS ? " " + status : "")
      + (faultAfter > 0 ? " after " + faultAfter : "")
      + ", deltas=" + (deltas == null ? "generated" : deltas.size())
      + ", chunks=" + chunks
      + ", firstToken=" + firstTokenDelayMin.toMillis() + ".." + firstTokenDelayMax.toMillis() + "ms"
      + ", interval=" + chunkIntervalMin.toMillis() + ".." + chunkIntervalMax.toMillis() + "ms"
      + ", finish=" + finishReason
      + (splitWrites ? ", splitWrites" : "")
      + (lineEnding.equals("\n") ? "" : ", lineEnding=" + lineEnding.replace("\r", "CR").replace("\n", "LF"))
      + (keepAliveComments ? ", keepAlive" : "") + "]";
  }

  // ---------------------------------------------------------------- internals

  private Behaviour withFaultAfter(Fault f, int n, JsonObject error) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0");
    }
    return edit(s -> {
      s.fault = f;
      s.faultAfter = n;
      s.streamError = error;
    });
  }

  private static void checkRange(Duration min, Duration max) {
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ".." + max);
    }
  }

  /** Copy-on-write: a mutable scratch copy keeps the withers one-liners while the class stays immutable. */
  private Behaviour edit(Consumer<Spec> change) {
    Spec s = new Spec(this);
    change.accept(s);
    return new Behaviour(s);
  }

  private static final class Spec {
    List<String> deltas;
    int chunks;
    Duration firstTokenDelayMin = Duration.ZERO;
    Duration firstTokenDelayMax = Duration.ZERO;
    Duration chunkIntervalMin = Duration.ZERO;
    Duration chunkIntervalMax = Duration.ZERO;
    String finishReason = "stop";
    Fault fault = Fault.NONE;
    int faultAfter;
    int status;
    JsonObject errorBody;
    Map<String, String> errorHeaders = Map.of();
    JsonObject streamError;
    boolean splitWrites;
    String lineEnding = "\n";
    boolean keepAliveComments;

    Spec() {
    }

    Spec(Behaviour b) {
      deltas = b.deltas;
      chunks = b.chunks;
      firstTokenDelayMin = b.firstTokenDelayMin;
      firstTokenDelayMax = b.firstTokenDelayMax;
      chunkIntervalMin = b.chunkIntervalMin;
      chunkIntervalMax = b.chunkIntervalMax;
      finishReason = b.finishReason;
      fault = b.fault;
      faultAfter = b.faultAfter;
      status = b.status;
      errorBody = b.errorBody;
      errorHeaders = b.errorHeaders;
      streamError = b.streamError;
      splitWrites = b.splitWrites;
      lineEnding = b.lineEnding;
      keepAliveComments = b.keepAliveComments;
    }
  }
}
