package dev.campaignstream.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** The run's settings and the little state shared by all event loops (all of it thread-safe). */
final class Plan {

  enum Mode { SERVICE, DIRECT }

  final Mode mode;
  final String host;
  final int port;
  final String uri;
  final String accept;
  final HttpMethod method;
  final Buffer body;
  final byte[] endMarker;         // must be in the last bytes of a complete stream, or null
  final byte[] errorMarker;       // an in-stream error marker, or null
  final int concurrency;
  final long requests;            // fixed total, or 0 for a timed run
  final long durationMs;
  final long warmupMs;
  final long rampMs;
  final long drainMs;
  final boolean abortAtEnd;
  final double slowBytesPerSecond; // 0 = read as fast as possible
  final long idleTimeoutMs;
  final long requestTimeoutMs;
  final int eventLoops;
  final int receiveBufferBytes;   // 0 = the kernel's default (autotuned)
  final int brands;               // 0 = every request asks for the --url's prompt
  private final String[] brandUris; // with brands: the request URI asking for Brand-<i>, by i
  /** With --keys N: the Authorization values of the caller keys {@code <--key-prefix><i>}, by i; else empty. */
  private final String[] authorizations;
  private final AtomicLong keyTurn = new AtomicLong();

  // Shared run state.
  final AtomicLong tickets;
  final AtomicLong issued = new AtomicLong(); // requests issued so far, all event loops
  volatile boolean stopIssuing;
  volatile long startNanos;
  volatile long windowStartNanos;
  volatile long windowEndNanos = Long.MAX_VALUE;

  Plan(Args a) {
    this.mode = Mode.valueOf(a.text("mode", "service").toUpperCase());
    String defaultUrl = mode == Mode.DIRECT
        ? "http://127.0.0.1:18481/v1/chat/completions"
        : "http://127.0.0.1:18480/campaign?prompt=Acme%20Coffee";
    URI url = URI.create(a.text("url", defaultUrl));
    if (!"http".equals(url.getScheme())) {
      throw new IllegalArgumentException("only http:// targets: " + url);
    }
    this.host = url.getHost();
    this.port = url.getPort() > 0 ? url.getPort() : 80;
    this.uri = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    this.accept = a.text("accept", mode == Mode.DIRECT ? "text/event-stream" : "text/plain");
    if (mode == Mode.DIRECT) {
      method = HttpMethod.POST;
      String prompt = a.text("prompt", "Acme Coffee");
      body = new JsonObject()
          .put("model", a.text("model", "gpt-4o-mini"))
          .put("stream", true)
          .put("stream_options", new JsonObject().put("include_usage", true))
          .put("messages", new JsonArray()
              .add(new JsonObject().put("role", "system").put("content",
                  "You are an expert creative marketer. Create a campaign for the brand the user enters."))
              .add(new JsonObject().put("role", "user").put("content", prompt)))
          .toBuffer();
      endMarker = bytes("data: [DONE]");
      errorMarker = null;
    } else {
      method = HttpMethod.GET;
      body = null;
      boolean sse = accept.startsWith("text/event-stream");
      endMarker = sse ? bytes("event: done") : null;
      errorMarker = sse ? bytes("event: error") : null;
    }
    this.concurrency = (int) a.number("concurrency", 10);
    this.requests = a.number("requests", 0);
    this.durationMs = a.number("duration", requests > 0 ? 0 : 10) * 1000;
    this.warmupMs = a.number("warmup", 0) * 1000;
    this.rampMs = a.number("ramp-ms", 0);
    this.drainMs = a.number("drain", 30) * 1000;
    this.abortAtEnd = a.flag("abort-at-end");
    this.slowBytesPerSecond = a.decimal("slow-bytes-per-second", 0);
    this.idleTimeoutMs = a.number("idle-timeout-ms", 30_000);
    this.requestTimeoutMs = a.number("request-timeout-ms", 0);
    this.receiveBufferBytes = (int) a.number("receive-buffer-bytes", slowBytesPerSecond > 0 ? 4096 : 0);
    this.eventLoops = (int) a.number("event-loops", Math.min(2, Runtime.getRuntime().availableProcessors()));
    this.tickets = new AtomicLong(requests > 0 ? requests : Long.MAX_VALUE);
    this.brands = (int) a.number("brands", 0);
    if (brands < 0) {
      throw new IllegalArgumentException("--brands must be >= 1 (or 0: off)");
    }
    if (brands > 0 && mode != Mode.SERVICE) {
      throw new IllegalArgumentException("--brands is for --mode service only");
    }
    int keys = (int) a.number("keys", 0);
    if (keys < 0 || (keys > 0 && mode != Mode.SERVICE)) {
      throw new IllegalArgumentException("--keys must be >= 1 (or 0: off), for --mode service only");
    }
    String keyPrefix = a.text("key-prefix", "bench-key-");
    this.authorizations = new String[keys];
    for (int i = 0; i < keys; i++) {
      authorizations[i] = "Bearer " + keyPrefix + i;
    }
    this.brandUris = new String[brands];
    for (int i = 0; i < brands; i++) {
      brandUris[i] = withPrompt(url, "Brand-" + i);
    }
    if (concurrency < 1 || eventLoops < 1) {
      throw new IllegalArgumentException("--concurrency and --event-loops must be >= 1");
    }
    if (requests > 0 && requests < concurrency) {
      throw new IllegalArgumentException("--requests must be >= --concurrency");
    }
    if (warmupMs >= durationMs && requests == 0) {
      throw new IllegalArgumentException("--warmup must be shorter than --duration");
    }
  }

  /**
   * The Authorization value of the next request: with --keys N, request k (over all event loops)
   * sends key {@code <prefix>(k mod N)}; null without --keys.
   */
  String nextAuthorization() {
    return authorizations.length == 0 ? null
        : authorizations[(int) (keyTurn.getAndIncrement() % authorizations.length)];
  }

  /** The URI of the next request: with --brands, request k (over all event loops) asks for Brand-(k mod N). */
  String nextUri() {
    return brands == 0 ? uri : brandUris[(int) (issued.getAndIncrement() % brands)];
  }

  /** The URL's path and query with the {@code prompt} parameter replaced by (or, if absent, added as) this one. */
  static String withPrompt(URI url, String prompt) {
    String encoded = "prompt=" + URLEncoder.encode(prompt, StandardCharsets.UTF_8).replace("+", "%20");
    StringBuilder query = new StringBuilder();
    boolean replaced = false;
    if (url.getRawQuery() != null) {
      for (String param : url.getRawQuery().split("&")) {
        if (param.isEmpty()) {
          continue;
        }
        boolean isPrompt = param.equals("prompt") || param.startsWith("prompt=");
        if (isPrompt && replaced) {
          continue; // a repeated prompt parameter: only one, the brand, remains
        }
        query.append(query.length() > 0 ? "&" : "").append(isPrompt ? encoded : param);
        replaced |= isPrompt;
      }
    }
    if (!replaced) {
      query.append(query.length() > 0 ? "&" : "").append(encoded);
    }
    return url.getRawPath() + "?" + query;
  }

  boolean slow() {
    return slowBytesPerSecond > 0;
  }

  /** One ticket per request: false once a fixed total is used up or a timed run is over. */
  boolean takeTicket() {
    return !stopIssuing && tickets.getAndDecrement() > 0;
  }

  boolean noMoreRequests() {
    return stopIssuing || tickets.get() <= 0;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
