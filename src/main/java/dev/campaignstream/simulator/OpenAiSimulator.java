package dev.campaignstream.simulator;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible fake upstream for {@code POST /v1/chat/completions}, speaking the real wire format
 * (SSE {@code chat.completion.chunk} events, OpenAI error bodies and headers) over real HTTP. It only
 * streams, as the service only asks for streams.
 * <p>
 * Each valid request takes the next {@link Behaviour} from a FIFO queue, or the default behaviour when the
 * queue is empty. Requests refused by validation (404, 401, 400) do not consume the queue.
 * <p>
 * Counters: a request answered with 200 (a stream or a hang) is a started stream and ends exactly once as
 * completed, aborted (the client left first) or faulted (a cut, error event or malformed event ended it);
 * {@code started = completed + aborted + faulted + active}. Status faults are not streams.
 */
public final class OpenAiSimulator {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiSimulator.class);
  private static final String CHAT_PATH = "/v1/chat/completions";
  /** Azure OpenAI's shape: the deployment in the path, {@code api-version} in the query, the key in {@code api-key}. */
  private static final java.util.regex.Pattern AZURE_PATH =
      java.util.regex.Pattern.compile("/openai/deployments/[A-Za-z0-9._-]{1,64}/chat/completions");
  /** The latest requests only: demo mode and load runs go on for ever, and must not grow with them. */
  private static final int MAX_RECORDED = 10_000;

  private final Vertx vertx;
  private final SimulatorOptions options;
  private final Queue<Behaviour> queue = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
  private volatile Behaviour defaultBehaviour;
  private volatile RateLimits rateLimits;
  private volatile Counters counters = new Counters();
  private HttpServer server;

  private OpenAiSimulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.defaultBehaviour = options.defaultBehaviour();
  }

  /** Starts listening on {@code options.host()} / {@code options.port()} (0 = ephemeral). */
  public static Future<OpenAiSimulator> start(Vertx vertx, SimulatorOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    OpenAiSimulator sim = new OpenAiSimulator(vertx, options);
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)            // each SSE event should leave immediately, not wait for Nagle
        .setCompressionSupported(false) // compression would buffer the stream
        .setReuseAddress(true)
        .setAcceptBacklog(1024)         // many clients may connect at once in load tests
        .setIdleTimeout(0)              // hang / stall must stay open until the client gives up
        .setTracingPolicy(TracingPolicy.IGNORE); // it stands in for OpenAI: no spans of the service's own
    sim.server = vertx.createHttpServer(serverOptions).requestHandler(sim::handle);
    return sim.server.listen().map(s -> {
      LOG.info("OpenAI simulator listening on {} (auth {})", sim.baseUrl(),
          options.requireAuth() ? "required" : "not required");
      return sim;
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://<host>:<port>/v1}. */
  public String baseUrl() {
    return origin() + "/v1";
  }

  /** {@code http://<host>:<port>}: an Azure deployment is {@code <origin>/openai/deployments/<name>}. */
  public String origin() {
    String host = options.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // IPv6 literal
    }
    return "http://" + host + ":" + port();
  }

  /**
   * Plays OpenAI's rate limits from now on (null: none, and the fixed headers of a roomy limit):
   * every answer tells what is left, and a request beyond the limit gets a 429. Several
   * simulators may share one.
   */
  public void setRateLimits(RateLimits limits) {
    rateLimits = limits;
  }

  public Future<Void> close() {
    return server.close();
  }

  /** Behaviour used when the queue is empty. */
  public void setDefaultBehaviour(Behaviour b) {
    defaultBehaviour = Objects.requireNonNull(b, "behaviour");
  }

  /** Each following valid request takes the next behaviour, in order. */
  public void enqueue(Behaviour... b) {
    for (Behaviour x : b) {
      queue.add(Objects.requireNonNull(x, "behaviour"));
    }
  }

  /** Every request seen, in arrival order (a snapshot copy). */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  public int activeStreams() {
    return counters.active.get();
  }

  public int startedStreams() {
    return counters.started.get();
  }

  /** Streams that ended with [DONE]. */
  public int completedStreams() {
    return counters.completed.get();
  }

  /** Streams whose client closed or reset the connection before the response ended (including hang / stall). */
  public int abortedStreams() {
    return counters.aborted.get();
  }

  /** Streams ended by an injected cut, error event or malformed event. */
  public int faultedStreams() {
    return counters.faulted.get();
  }

  /** Requests refused with a 429 because they were beyond the rate limit set with {@link #setRateLimits}. */
  public int rateLimitedCount() {
    return counters.rateLimited.get();
  }

  /** Times a streaming response found the client's connection not draining and waited for drain. */
  public int pausedCount() {
    return counters.paused.get();
  }

  /** Clears queue, recorded requests and counters, and restores the options' default behaviour. */
  public void reset() {
    queue.clear();
    synchronized (recorded) {
      recorded.clear();
    }
    counters = new Counters();
    defaultBehaviour = options.defaultBehaviour();
    rateLimits = null;
  }

  // ---------------------------------------------------------------- request handling

  private void handle(HttpServerRequest request) {
    long receivedAt = System.nanoTime();
    request.body().onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("request body not received: {}", ar.cause().toString());
        return;
      }
      JsonObject body = parseObject(ar.result());
      record(request, body, receivedAt);
      String requestId = OpenAiHeaders.newRequestId();
      Fault.Status refused = refusal(request, body);
      if (refused != null) {
        reply(request.response(), refused, requestId, receivedAt);
        return; // before the queue, so a refused request leaves the next behaviour for the next request
      }
      RateLimits limits = rateLimits;
      RateLimits.Decision decision = limits == null ? null : limits.take();
      if (decision != null) {
        limits.put(request.response(), decision);
        if (!decision.allowed()) {
          counters.rateLimited.incrementAndGet();
          reply(request.response(), rateLimitedNow(decision), requestId, receivedAt);
          return;
        }
      }
      Behaviour behaviour = queue.poll();
      if (behaviour == null) {
        behaviour = defaultBehaviour;
      }
      LOG.debug("{}: {} model={}", requestId, behaviour, body.getValue("model"));
      if (behaviour.fault() instanceof Fault.Status status) {
        reply(request.response(), status, requestId, receivedAt);
      } else if (behaviour.fault() instanceof Fault.NotEventStream page) {
        HttpServerResponse response = request.response().putHeader("content-type", page.contentType());
        OpenAiHeaders.put(response, requestId, receivedAt);
        response.end(page.body());
      } else {
        new StreamSession(vertx, request, behaviour, body, counters, requestId, receivedAt).start();
      }
    });
  }

  private void record(HttpServerRequest request, JsonObject body, long receivedAt) {
    synchronized (recorded) {
      if (recorded.size() == MAX_RECORDED) {
        recorded.removeFirst();
      }
      recorded.add(new RecordedRequest(request.method().name(), request.version().name(), request.path(),
          request.query(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body, receivedAt));
    }
  }

  /** The 429 of a request beyond the rate limit, with the headers OpenAI sends with it. */
  private static Fault.Status rateLimitedNow(RateLimits.Decision decision) {
    long ms = Math.max(1, decision.resetNanos() / 1_000_000);
    return new Fault.Status(429, Behaviour.error("Rate limit reached for requests per min (RPM). Please try again in "
        + ms + "ms.", "requests", null, "rate_limit_exceeded"),
        Map.of("retry-after", Long.toString((ms + 999) / 1000), "retry-after-ms", Long.toString(ms)));
  }

  /** The answer OpenAI (or Azure) would give a request it does not accept (404, 401 or 400), or null. */
  private Fault.Status refusal(HttpServerRequest request, JsonObject body) {
    boolean azure = AZURE_PATH.matcher(request.path()).matches();
    if (request.method() != HttpMethod.POST || !(azure || CHAT_PATH.equals(request.path()))) {
      return new Fault.Status(404, Behaviour.error("Invalid URL (" + request.method().name() + " "
          + request.path() + ")", "invalid_request_error", null, null), Map.of());
    }
    if (azure) {
      return azureRefusal(request, body);
    }
    if (options.requireAuth() && !hasBearer(request.getHeader("authorization"))) {
      return new Fault.Status(401, Behaviour.error("You didn't provide an API key. You need to provide your API"
          + " key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          "invalid_request_error", null, "invalid_api_key"), Map.of());
    }
    JsonObject invalid = ChatRequests.validate(body);
    return invalid == null ? null : new Fault.Status(400, invalid, Map.of());
  }

  /** Azure's answers: no api-version is a 404 there, a missing key a 401 in its own words. */
  private Fault.Status azureRefusal(HttpServerRequest request, JsonObject body) {
    String version = request.getParam("api-version");
    if (version == null || !version.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?")) {
      return new Fault.Status(404, new JsonObject().put("error", new JsonObject().put("code", "404")
          .put("message", "Resource not found")), Map.of());
    }
    String key = request.getHeader("api-key");
    if (options.requireAuth() && (key == null || key.isBlank())) {
      return new Fault.Status(401, new JsonObject().put("error", new JsonObject().put("code", "401")
          .put("message", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide"
              + " a valid key for an active subscription and use a correct regional API endpoint for your resource.")),
          Map.of());
    }
    JsonObject invalid = ChatRequests.validate(body);
    return invalid == null ? null : new Fault.Status(400, invalid, Map.of());
  }

  private static void reply(HttpServerResponse response, Fault.Status status, String requestId, long receivedAt) {
    response.setStatusCode(status.code()).putHeader("content-type", "application/json; charset=utf-8");
    OpenAiHeaders.put(response, requestId, receivedAt);
    status.headers().forEach(response::putHeader); // after the defaults, so a fault can override them
    response.end(status.body().encodePrettily());
  }

  private static boolean hasBearer(String authorization) {
    return authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
      && !authorization.substring(7).isBlank();
  }

  private static JsonObject parseObject(Buffer raw) {
    if (raw == null || raw.length() == 0) {
      return null;
    }
    try {
      return new JsonObject(raw); // throws for invalid JSON and for non-object values
    } catch (RuntimeException e) {
      return null;
    }
  }
}
