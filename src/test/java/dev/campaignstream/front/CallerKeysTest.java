package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.RawHttp;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With a keys file, {@code /campaign} and {@code /echo} need {@code Authorization: Bearer <key>}:
 * what a caller gets for each key and each bad header, over a real socket; the other endpoints stay
 * open; the access log and the metrics name the key, never the key itself.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class CallerKeysTest {

  static final String ACME = "cs_acme-key-0123456789abcdefghijklmnopqrstuv";
  static final String OFF = "cs_disabled-key-0123456789abcdefghijklmnopq";

  @TempDir
  Path dir;

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  private final Logger access = (Logger) LoggerFactory.getLogger("access");
  /** With a metrics registry, as in production; closed after each test. */
  private Vertx metered;

  @BeforeEach
  void capture() {
    lines.start();
    root.addAppender(lines);
    access.setLevel(Level.INFO);
    metered = MetricsSetup.vertx();
  }

  @AfterEach
  void release(VertxTestContext testContext) {
    root.detachAppender(lines);
    access.setLevel(null);
    metered.close().onComplete(testContext.succeedingThenComplete());
  }

  private Future<TestService> start(Vertx vertx) throws Exception {
    Path file = KeysFiles.write(dir.resolve("keys.yaml"),
        KeysFiles.entry("acme-web", ACME, "requestsPerMinute: 120"), KeysFiles.entry("old-batch", OFF, "disabled: true"));
    return TestService.start(vertx, json -> KeysFiles.withKeys(json, file));
  }

  private static Future<CallerResponse> get(TestService app, String path, String authorization) {
    return app.caller.request(HttpMethod.GET, path, authorization == null ? Map.of() : Map.of("Authorization", authorization),
        response -> { });
  }

  @Test
  void eachKeyGetsItsAnswer(Vertx vertx, VertxTestContext testContext) throws Exception {
    start(vertx).compose(app -> Future.all(java.util.List.of(
            get(app, "/echo?input_value=hi", "Bearer " + ACME),
            get(app, "/echo?input_value=hi", null),
            get(app, "/echo?input_value=hi", "Bearer cs_not-a-key-of-the-file"),
            get(app, "/echo?input_value=hi", "Bearer " + OFF),
            get(app, "/campaign?prompt=Acme", null),
            get(app, "/campaign?prompt=Acme", "bearer " + ACME),
            get(app, "/echo?input_value=", null)))
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          CallerResponse valid = all.resultAt(0);
          CallerResponse none = all.resultAt(1);
          CallerResponse unknown = all.resultAt(2);
          CallerResponse disabled = all.resultAt(3);
          assertThat(valid.status).isEqualTo(200);
          assertThat(valid.body()).isEqualTo("\"hi\"");
          assertThat(none.status).isEqualTo(401);
          assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"campaign-stream\"");
          assertThat(none.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(none.json().getString("detail")).isEqualTo(
              "This operation needs a caller key: send 'Authorization: Bearer <key>'");
          assertThat(unknown.status).isEqualTo(401);
          assertThat(unknown.header("WWW-Authenticate"))
              .isEqualTo("Bearer realm=\"campaign-stream\", error=\"invalid_token\"");
          assertThat(unknown.json().getString("detail")).startsWith("The caller key is not valid");
          assertThat(unknown.body()).doesNotContain("cs_");
          assertThat(disabled.status).isEqualTo(403);
          assertThat(disabled.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(disabled.json().getString("detail")).isEqualTo("The caller key 'old-batch' is disabled; ask the operator");
          assertThat(disabled.body()).doesNotContain(OFF);
          assertThat(((CallerResponse) all.resultAt(4)).status).isEqualTo(401);
          // The scheme is case-insensitive.
          assertThat(((CallerResponse) all.resultAt(5)).status).isEqualTo(200);
          // A caller without a key learns nothing of the parameters' rules.
          assertThat(((CallerResponse) all.resultAt(6)).status).isEqualTo(401);
          testContext.completeNow();
        }))));
  }

  @Test
  void theOperatorsEndpointsAndTheDocsNeedNoKey(VertxTestContext testContext) throws Exception {
    start(metered).compose(app -> Future.all(java.util.List.of(
            get(app, "/health/live", null), get(app, "/health/ready", null), get(app, "/metrics", null),
            get(app, "/openapi.yaml", null), get(app, "/openapi.json", null), get(app, "/docs/", null)))
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            assertThat(((CallerResponse) all.resultAt(i)).status).as("answer %d", i).isEqualTo(200);
          }
          testContext.completeNow();
        }))));
  }

  /** Whatever the header holds, the answer is a 401 problem: never a crash, never the value echoed. */
  @Test
  void badAuthorizationValuesAre401(Vertx vertx, VertxTestContext testContext) throws Exception {
    String garbage = "x".repeat(6000);
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("wrong scheme", "Authorization: Basic YWNtZTpzZWNyZXQ=\r\n");
    headers.put("scheme alone", "Authorization: Bearer\r\n");
    headers.put("empty", "Authorization: \r\n");
    headers.put("a few KB", "Authorization: Bearer " + garbage + "\r\n");
    headers.put("a few KB without scheme", "Authorization: " + garbage + "\r\n");
    headers.put("tab inside", "Authorization: Bearer cs_ab\tcd\r\n");
    headers.put("non-ASCII", "Authorization: Bearer cs_caf\u00c3\u00a9\r\n");
    headers.put("not token68", "Authorization: Bearer cs_a=b\r\n");
    headers.put("quotes", "Authorization: Bearer \"" + ACME + "\"\r\n");
    headers.put("two headers", "Authorization: Bearer " + ACME + "\r\nAuthorization: Bearer " + ACME + "\r\n");
    headers.put("valid key after a comma", "Authorization: Bearer x, Bearer " + ACME + "\r\n");
    start(vertx).compose(app -> vertx.executeBlocking(() -> {
      Map<String, String> answers = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> header : headers.entrySet()) {
        RawHttp.Answer answer = RawHttp.send(app.caller.port(), "GET /echo?input_value=hi HTTP/1.1\r\nHost: x\r\n"
            + header.getValue() + "Connection: close\r\n\r\n", 2_000);
        answers.put(header.getKey(), answer.text());
      }
      return answers;
    })).onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
      answers.forEach((what, text) -> {
        assertThat(text).as(what).startsWith("HTTP/1.1 401 ").contains("WWW-Authenticate: Bearer realm=\"campaign-stream\"")
            .contains("application/problem+json").doesNotContain("xxxxxxxx").doesNotContain("cs_");
      });
      assertThat(lines.list).as("no ERROR line").noneMatch(line -> line.getLevel() == Level.ERROR);
      assertThat(lines.list.stream().map(line -> line.getFormattedMessage() + line.getKeyValuePairs()))
          .noneMatch(line -> line.contains("xxxxxxxx") || line.contains("cs_"));
      testContext.completeNow();
    })));
  }

  /** A control character in any header is the HTTP edge's: 400 and closed, before a key is looked at. */
  @Test
  void aControlCharacterInTheHeaderIsRefusedByTheEdge(Vertx vertx, VertxTestContext testContext) throws Exception {
    start(vertx).compose(app -> vertx.executeBlocking(() -> RawHttp.send(app.caller.port(),
            "GET /echo?input_value=hi HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer cs_a\u0001b\r\n\r\n", 2_000)))
        .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
          assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
          assertThat(answer.text()).doesNotContain("cs_a");
          assertThat(lines.list).noneMatch(line -> line.getLevel() == Level.ERROR);
          testContext.completeNow();
        })));
  }

  @Test
  void theAccessLogAndTheMetricsNameTheKeyNeverTheKey(VertxTestContext testContext) throws Exception {
    Vertx vertx = metered;
    start(vertx).compose(app -> get(app, "/campaign?prompt=Acme", "Bearer " + ACME)
        .compose(ok -> get(app, "/echo?input_value=hi", "Bearer " + OFF))
        .compose(off -> get(app, "/echo?input_value=hi", "Bearer cs_unknown-key-made-up"))
        .compose(unknown -> get(app, "/echo?input_value=hi", null))
        .compose(none -> Eventually.await(vertx, "logged", 2_000, () -> access().size() == 4))
        .compose(logged -> get(app, "/metrics", null)))
        .onComplete(testContext.succeeding(metrics -> testContext.verify(() -> {
          assertThat(access()).extracting(fields -> fields.get("key"))
              .containsExactly("acme-web", "old-batch", "-", "-");
          assertThat(access()).extracting(fields -> fields.get("error"))
              .containsExactly("-", "key_disabled", "key_unknown", "key_missing");
          String text = metrics.body();
          assertThat(text).contains("campaign_caller_requests_total{key=\"acme-web\"} 1.0")
              .contains("campaign_auth_refusals_total{reason=\"disabled\"} 1.0")
              .contains("campaign_auth_refusals_total{reason=\"unknown\"} 1.0")
              .contains("campaign_auth_refusals_total{reason=\"missing\"} 1.0")
              .doesNotContain("cs_");
          assertThat(lines.list.stream().map(line -> line.getFormattedMessage() + line.getKeyValuePairs()))
              .noneMatch(line -> line.contains("cs_"));
          testContext.completeNow();
        })));
  }

  private java.util.List<Map<String, Object>> access() {
    return lines.list.stream().filter(line -> line.getLoggerName().equals("access"))
        .filter(line -> !line.getFormattedMessage().startsWith("GET /metrics"))
        .map(line -> line.getKeyValuePairs().stream().collect(Collectors.toMap(pair -> pair.key, pair -> pair.value)))
        .toList();
  }
}
