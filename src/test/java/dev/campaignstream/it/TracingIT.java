package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.RecordedRequest;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.OtlpReceiver;
import dev.campaignstream.support.OtlpReceiver.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar, traced through the standard OTEL_* environment, exporting to a receiver that reads
 * OTLP's protobuf wire format, with the simulator as OpenAI and a made-up OpenAI key: one trace per
 * campaign request, from the caller's traceparent through the event bus to the OpenAI call and the
 * traceparent OpenAI got; the GenAI attributes and the service's own; no brand, text or key unless
 * content is turned on (never the key); nothing at all with tracing off; and the same trace across
 * the nodes of a cluster, through the event bus.
 */
@ExtendWith(VertxExtension.class)
class TracingIT {

  private static final String MODEL = "gpt-4o-mini";
  /** Made up, and long enough that finding it anywhere cannot be chance. */
  private static final String OPENAI_KEY = "sk-test-" + hex(24);
  /** The caller's key, as a keys file names it: its name is in the trace, never the key. */
  private static final String CALLER_KEY = "cs_" + hex(24);
  private static final String CALLER_KEY_NAME = "tracing-caller";

  private final String brand = "Quillmoor" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
  private final String callerTraceId = hex(16);
  private final String callerSpanId = hex(8);
  private OpenAiSimulator upstream;
  private OtlpReceiver receiver;
  private JarProcess service;
  private final List<JarProcess> others = new ArrayList<>();

  private Path keysFile;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext, @TempDir Path dir) throws IOException {
    keysFile = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry(CALLER_KEY_NAME, CALLER_KEY));
    OpenAiSimulator.start(vertx, SimulatorOptions.forTests())
        .compose(sim -> {
          upstream = sim;
          return OtlpReceiver.start(vertx);
        })
        .onComplete(testContext.succeeding(started -> {
          receiver = started;
          testContext.completeNow();
        }));
  }

  @AfterEach
  void stop(Vertx vertx, VertxTestContext testContext) {
    if (service != null) {
      service.close();
    }
    others.forEach(JarProcess::close);
    Future.all(upstream.close(), receiver.close()).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void oneTraceFromTheCallerThroughTheBusToOpenAi(Vertx vertx, VertxTestContext testContext) throws Exception {
    service = jar(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()));
    Caller caller = new Caller(vertx, service.port);
    CallerResponse[] seen = new CallerResponse[2];
    GracefulShutdownIT.waitUntilReady(vertx, caller)
        .compose(ready -> campaign(caller, true))
        .compose(first -> {
          seen[0] = first;
          return Eventually.await(vertx, "the request's five spans exported", 20_000,
              () -> receiver.trace(callerTraceId).size() >= 5);
        })
        // Again, now from the cache, with no traceparent: a trace of its own.
        .compose(v -> campaign(caller, false))
        .compose(second -> {
          seen[1] = second;
          return Eventually.await(vertx, "the cache hit's span exported", 20_000,
              () -> serverSpans().stream().anyMatch(span -> "hit".equals(span.attribute("campaign.cache"))));
        })
        // Whatever else would be exported (a span per chunk or credit, a probe) has had time to be.
        .compose(v -> Eventually.sleep(vertx, 500))
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          Hops hops = hops(receiver.trace(callerTraceId));
          ReceivedSpan server = hops.server();
          ReceivedSpan chat = hops.chat();
          ReceivedSpan http = hops.http();
          assertThat(server.resource()).containsEntry("service.name", "campaign-stream");

          // OpenAI was told the trace, as the child of the HTTP client span.
          List<RecordedRequest> calls = upstream.requests();
          assertThat(calls).hasSize(1);
          assertThat(calls.get(0).headers().get("traceparent"))
              .isEqualTo("00-" + callerTraceId + "-" + http.spanId() + "-01");

          // GenAI semantic conventions on the inference span.
          JsonObject usage = last(seen[0]).getJsonObject("usage");
          assertThat(chat.attribute("gen_ai.operation.name")).isEqualTo("chat");
          assertThat(chat.attribute("gen_ai.system")).isEqualTo("openai");
          assertThat(chat.attribute("gen_ai.provider.name")).isEqualTo("openai");
          assertThat(chat.attribute("gen_ai.request.model")).isEqualTo(MODEL);
          assertThat(chat.attribute("gen_ai.response.finish_reasons")).isEqualTo(List.of("stop"));
          assertThat(chat.attribute("gen_ai.usage.input_tokens")).isEqualTo(usage.getLong("prompt_tokens"));
          assertThat(chat.attribute("gen_ai.usage.output_tokens")).isEqualTo(usage.getLong("completion_tokens"));
          assertThat(chat.attribute("server.address")).isEqualTo("127.0.0.1");
          assertThat(chat.attribute("campaign.outcome")).isEqualTo("completed");
          assertThat(chat.attribute("campaign.attempts")).isEqualTo(1L);
          assertThat((Long) chat.attribute("campaign.time_to_first_token_ms")).isNotNull().isNotNegative();

          // The service's own, on the server span, set before it ended.
          assertThat(server.attribute("http.route")).isEqualTo("/campaign");
          assertThat(server.attribute("campaign.request_id")).isEqualTo(seen[0].header("X-Request-Id"));
          assertThat(server.attribute("campaign.cache")).isEqualTo("miss");
          assertThat(server.attribute("campaign.outcome")).isEqualTo("completed");
          assertThat((Long) server.attribute("campaign.time_to_first_token_ms")).isNotNull().isNotNegative();
          assertThat(server.attribute("campaign.caller_key")).isEqualTo(CALLER_KEY_NAME);

          ReceivedSpan hit = serverSpans().stream().filter(span -> "hit".equals(span.attribute("campaign.cache")))
              .findFirst().orElseThrow();
          assertThat(hit.traceId()).isNotEqualTo(callerTraceId);
          assertThat(hit.parentSpanId()).as("a root").isEmpty();
          assertThat(receiver.trace(hit.traceId())).as("no OpenAI call for a hit").hasSize(1);

          // Only campaign requests are traced: the readiness probes were not.
          assertThat(serverSpans()).allSatisfy(span -> assertThat(span.attribute("url.path")).isEqualTo("/campaign"));
          assertThat(receiver.spans()).hasSize(6);

          assertNoContentNorKey(text(seen[0]));
          testContext.completeNow();
        })));
    testContext.awaitCompletion(60, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void brandAndTextOnlyWhenTheOperatorTurnsContentOn(Vertx vertx, VertxTestContext testContext) throws Exception {
    service = jar(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "TRACE_CONTENT", "true"));
    Caller caller = new Caller(vertx, service.port);
    GracefulShutdownIT.waitUntilReady(vertx, caller)
        .compose(ready -> campaign(caller, true))
        .compose(seen -> Eventually.await(vertx, "the request's spans exported", 20_000,
                () -> receiver.trace(callerTraceId).size() >= 5)
            .map(seen))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          ReceivedSpan chat = only(receiver.trace(callerTraceId), "chat " + MODEL, SpanKind.SPAN_KIND_CLIENT);
          JsonArray input = new JsonArray((String) chat.attribute("gen_ai.input.messages"));
          assertThat(input.getJsonObject(0).getString("role")).isEqualTo("user");
          assertThat(input.getJsonObject(0).getJsonArray("parts").getJsonObject(0).getString("content"))
              .isEqualTo(brand);
          JsonObject output = new JsonArray((String) chat.attribute("gen_ai.output.messages")).getJsonObject(0);
          assertThat(output.getString("role")).isEqualTo("assistant");
          assertThat(output.getString("finish_reason")).isEqualTo("stop");
          assertThat(output.getJsonArray("parts").getJsonObject(0).getString("content")).isEqualTo(text(seen));
          assertThat((String) chat.attribute("gen_ai.system_instructions")).contains("expert creative marketer");
          // Content or not, the query never reaches a trace, and neither does the key.
          ReceivedSpan server = only(receiver.trace(callerTraceId), "GET /campaign", SpanKind.SPAN_KIND_SERVER);
          assertThat(server.attributeKeys()).doesNotContain("url.query");
          assertThat(bodies()).noneMatch(body -> body.contains(OPENAI_KEY));
          testContext.completeNow();
        })));
    testContext.awaitCompletion(60, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void offByDefault(Vertx vertx, VertxTestContext testContext) throws Exception {
    // The receiver listens, but nothing tells the service about it.
    service = jar(Map.of());
    Caller caller = new Caller(vertx, service.port);
    GracefulShutdownIT.waitUntilReady(vertx, caller)
        .compose(ready -> campaign(caller, true))
        // Longer than the schedule delay the traced runs export after.
        .compose(seen -> Eventually.sleep(vertx, 1_500).map(seen))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(receiver.bodies()).isEmpty();
          assertThat(upstream.requests()).hasSize(1);
          assertThat(upstream.requests().get(0).headers().contains("traceparent")).isFalse();
          testContext.completeNow();
        })));
    testContext.awaitCompletion(60, TimeUnit.SECONDS);
  }


  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void acrossNodesOfACluster(Vertx vertx, VertxTestContext testContext) throws Exception {
    String cluster = "trace-" + hex(4);
    JarProcess worker = jar(clustered(cluster, "worker-node"), "--cluster", "--role", "worker");
    service = jar(clustered(cluster, "front-node"), "--cluster", "--role", "http");
    others.add(worker);
    Caller caller = new Caller(vertx, service.port);
    GracefulShutdownIT.waitUntilReady(vertx, caller)
        .compose(ready -> campaign(caller, true))
        .compose(seen -> Eventually.await(vertx, "the request's five spans exported by both nodes", 30_000,
            () -> receiver.trace(callerTraceId).size() >= 5).map(seen))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          Hops hops = hops(receiver.trace(callerTraceId));
          assertThat(List.of(hops.server(), hops.busSend())).allSatisfy(span ->
              assertThat(span.resource()).containsEntry("service.instance.id", "front-node"));
          assertThat(List.of(hops.busReceive(), hops.chat(), hops.http())).allSatisfy(span ->
              assertThat(span.resource()).containsEntry("service.instance.id", "worker-node"));
          assertThat(upstream.requests().get(0).headers().get("traceparent"))
              .isEqualTo("00-" + callerTraceId + "-" + hops.http().spanId() + "-01");
          testContext.completeNow();
        })));
    testContext.awaitCompletion(120, TimeUnit.SECONDS);
  }

  private Map<String, String> clustered(String cluster, String instance) {
    return Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
        "OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=" + instance,
        "CLUSTER_NAME", cluster, "NODE_NAME", instance, "HTTP_INSTANCES", "1", "WORKER_INSTANCES", "1");
  }

  // ------------------------------------------------------------------ helpers

  /** The five spans of a traced campaign request that OpenAI answered. */
  private record Hops(ReceivedSpan server, ReceivedSpan busSend, ReceivedSpan busReceive, ReceivedSpan chat,
      ReceivedSpan http) {
  }

  /** The caller's trace continued, hop by hop, one span each. */
  private Hops hops(List<ReceivedSpan> trace) {
    assertThat(trace).as("one span each: %s", trace).hasSize(5);
    Hops hops = new Hops(only(trace, "GET /campaign", SpanKind.SPAN_KIND_SERVER),
        only(trace, "send", SpanKind.SPAN_KIND_CLIENT), only(trace, "send", SpanKind.SPAN_KIND_SERVER),
        only(trace, "chat " + MODEL, SpanKind.SPAN_KIND_CLIENT), only(trace, "POST", SpanKind.SPAN_KIND_CLIENT));
    assertThat(hops.server().parentSpanId()).isEqualTo(callerSpanId);
    assertThat(hops.busSend().parentSpanId()).isEqualTo(hops.server().spanId());
    // Any worker's address, or (a node with a worker on the caller's event loop) that worker's own.
    assertThat(hops.busSend().attribute("messaging.destination.name")).asString()
        .matches("campaign\\.open(\\.loop\\.vert\\.x-eventloop-thread-\\d+)?");
    assertThat(hops.busReceive().parentSpanId()).isEqualTo(hops.busSend().spanId());
    assertThat(hops.chat().parentSpanId()).isEqualTo(hops.busReceive().spanId());
    assertThat(hops.http().parentSpanId()).isEqualTo(hops.chat().spanId());
    assertThat(hops.http().attribute("url.full")).isEqualTo(upstream.baseUrl() + "/chat/completions");
    return hops;
  }

  private JarProcess jar(Map<String, String> tracing, String... args) throws Exception {
    Map<String, String> env = new HashMap<>(tracing);
    env.put("OPENAI_BASE_URL", upstream.baseUrl());
    env.put("OPENAI_API_KEY", OPENAI_KEY);
    env.put("OPENAI_MODEL", MODEL);
    env.put("CALLER_KEYS_FILE", keysFile.toString());
    // Export within a tenth of a second of a span's end, not the SDK's five.
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    return JarProcess.start(env, args);
  }

  private Future<CallerResponse> campaign(Caller caller, boolean withTraceparent) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "text/event-stream");
    headers.put("Authorization", "Bearer " + CALLER_KEY);
    if (withTraceparent) {
      headers.put("traceparent", "00-" + callerTraceId + "-" + callerSpanId + "-01");
    }
    return caller.request(HttpMethod.GET, "/campaign?prompt=" + brand, headers, response -> { });
  }

  /** Neither the brand nor the text nor the key, in any byte any export sent. */
  private void assertNoContentNorKey(String text) {
    assertThat(text).hasSizeGreaterThan(100);
    String fragment = text.substring(text.length() / 2, text.length() / 2 + 40);
    List<String> bodies = bodies();
    assertThat(bodies).isNotEmpty();
    assertThat(bodies).noneMatch(body -> body.contains(brand));
    assertThat(bodies).noneMatch(body -> body.contains(fragment));
    assertThat(bodies).noneMatch(body -> body.contains(OPENAI_KEY));
    assertThat(bodies).noneMatch(body -> body.contains(CALLER_KEY));
    assertThat(bodies).noneMatch(body -> body.toLowerCase().contains("bearer"));
    assertThat(receiver.spans()).allSatisfy(span -> assertThat(span.attributeKeys())
        .noneMatch(key -> key.toLowerCase().contains("authorization")));
  }

  private List<String> bodies() {
    return receiver.bodies().stream().map(body -> new String(body.getBytes(), StandardCharsets.ISO_8859_1)).toList();
  }

  private List<ReceivedSpan> serverSpans() {
    return receiver.spans().stream().filter(span -> span.name().equals("GET /campaign")).toList();
  }

  private static ReceivedSpan only(List<ReceivedSpan> spans, String name, SpanKind kind) {
    List<ReceivedSpan> found = spans.stream().filter(span -> span.name().equals(name) && span.kind() == kind).toList();
    assertThat(found).as("%s %s in %s", name, kind, spans).hasSize(1);
    return found.get(0);
  }

  private static String text(CallerResponse seen) {
    return seen.events().stream().filter(event -> "message".equals(event.type()))
        .map(event -> event.data().getString("text")).collect(Collectors.joining());
  }

  private static JsonObject last(CallerResponse seen) {
    List<CallerResponse.Event> events = seen.events();
    return events.get(events.size() - 1).data();
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
