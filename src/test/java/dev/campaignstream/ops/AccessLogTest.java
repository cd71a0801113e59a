package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.RawRequest;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** One access-log line per request, with the request's id and outcome, and never the brand. */
@ExtendWith(VertxExtension.class)
class AccessLogTest {

  private final Logger access = (Logger) LoggerFactory.getLogger("access");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    access.addAppender(lines);
    access.setLevel(Level.INFO);
  }

  @AfterEach
  void release() {
    access.detachAppender(lines);
    access.setLevel(null);
  }

  @Test
  void aStreamIsLoggedOnceWithItsOutcome(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas("Secret", "Brand", "Text"));
      return app.caller.get("/campaign?prompt=SecretBrand", "text/event-stream")
          .compose(seen -> Eventually.await(vertx, "logged", 2_000, () -> lines.list.size() == 1).map(seen));
    }).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      ILoggingEvent line = lines.list.get(0);
      Map<String, Object> fields = line.getKeyValuePairs().stream()
          .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
      assertThat(line.getFormattedMessage()).isEqualTo("GET /campaign 200");
      assertThat(fields).containsEntry("request_id", seen.header("X-Request-Id"))
          .containsEntry("method", "GET")
          .containsEntry("path", "/campaign")
          .containsEntry("status", 200)
          .containsEntry("representation", "text/event-stream")
          .containsEntry("chunks", 3L)
          .containsEntry("outcome", "completed")
          .containsEntry("error", "-")
          .containsEntry("cache", "miss");
      assertThat((Long) fields.get("first_chunk_ms")).isBetween(0L, (Long) fields.get("duration_ms"));
      assertThat(line.getFormattedMessage() + fields).doesNotContain("SecretBrand");
      testContext.completeNow();
    })));
  }

  /** Raw bytes in the path, an ESC among them, are logged as the bytes they are, never as what a terminal makes of them. */
  @Test
  void rawBytesInThePathAreLoggedAsTheirBytes(Vertx vertx, VertxTestContext testContext) {
    String rawBytes = new String("/caf\u00e9\u001b[31m".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    TestService.start(vertx).compose(app -> RawRequest.get(vertx, app.caller.port(), rawBytes)
        .compose(seen -> Eventually.await(vertx, "logged", 2_000, () -> lines.list.size() == 1).map(seen)))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          ILoggingEvent line = lines.list.get(0);
          Map<String, Object> fields = line.getKeyValuePairs().stream()
              .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
          assertThat(fields).containsEntry("path", "/caf%C3%A9%1B[31m");
          assertThat(line.getFormattedMessage()).isEqualTo("GET /caf%C3%A9%1B[31m " + seen.status());
          testContext.completeNow();
        })));
  }

  /** A caller answered with an error: its line says which, so a burst of 503s can be told apart. */
  @Test
  void aRefusedCallerIsLoggedWithTheKindOfError(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.service.stopWorkers()
        .compose(v -> app.caller.get("/campaign?prompt=SecretBrand", "application/json"))
        .compose(seen -> Eventually.await(vertx, "logged", 2_000, () -> lines.list.size() == 1).map(seen)))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          Map<String, Object> fields = lines.list.get(0).getKeyValuePairs().stream()
              .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
          assertThat(seen.status).isEqualTo(503);
          assertThat(fields).containsEntry("status", 503)
              .containsEntry("outcome", "failed")
              .containsEntry("error", "no_worker")
              .containsEntry("chunks", 0L)
              .containsEntry("first_chunk_ms", -1L);
          testContext.completeNow();
        })));
  }

  /** Callers sharing one upstream stream, or served from the cache, each get their own line and outcome. */
  @Test
  void eachCallerOfASharedStreamIsLoggedWithHowTheCacheAnswered(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas("Secret", "Brand", "Text")
          .withFirstTokenDelay(Duration.ofMillis(300)).withChunkInterval(Duration.ofMillis(100)));
      Future<CallerResponse> first = app.caller.get("/campaign?prompt=SecretBrand", "text/event-stream");
      Future<CallerResponse> leaver = app.caller.get("/campaign?prompt=SecretBrand", "text/plain",
          response -> response.handler(read -> response.request().connection().close()));
      Future<CallerResponse> joined = app.caller.get("/campaign?prompt=SecretBrand", "application/json");
      return Future.all(first, joined)
          .compose(both -> app.caller.get("/campaign?prompt=SecretBrand", "text/plain"))
          .compose(hit -> Eventually.await(vertx, "logged", 2_000, () -> lines.list.size() == 4))
          .map(v -> List.of(first.result(), leaver, joined.result()));
    }).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      Map<String, Map<String, Object>> byRepresentation = new HashMap<>();
      List<Map<String, Object>> all = lines.list.stream().map(line -> line.getKeyValuePairs().stream()
          .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value))).toList();
      assertThat(all).extracting(fields -> fields.get("cache"))
          .containsExactlyInAnyOrder("miss", "shared", "shared", "hit");
      Map<String, Object> miss = all.stream().filter(fields -> "miss".equals(fields.get("cache"))).findFirst()
          .orElseThrow();
      Map<String, Object> hit = all.stream().filter(fields -> "hit".equals(fields.get("cache"))).findFirst()
          .orElseThrow();
      all.stream().filter(fields -> "shared".equals(fields.get("cache")))
          .forEach(fields -> byRepresentation.put((String) fields.get("representation"), fields));
      assertThat(miss).containsEntry("representation", "text/event-stream").containsEntry("outcome", "completed")
          .containsEntry("chunks", 3L);
      assertThat(byRepresentation.get("application/json")).containsEntry("outcome", "completed")
          .containsEntry("chunks", 3L).containsEntry("worker", miss.get("worker"));
      assertThat(byRepresentation.get("text/plain")).containsEntry("outcome", "cancelled")
          .containsEntry("chunks", 1L);
      assertThat(hit).containsEntry("representation", "text/plain").containsEntry("outcome", "completed")
          .containsEntry("chunks", 3L).containsEntry("worker", "-");
      assertThat(miss.get("worker")).isNotEqualTo("-");
      // The upstream that wrote the campaign: named for its caller, those who shared it and the cache's.
      assertThat(miss).containsEntry("upstream", "openai");
      assertThat(byRepresentation.get("application/json")).containsEntry("upstream", "openai");
      assertThat(hit).containsEntry("upstream", "openai");
      assertThat(lines.list.toString()).doesNotContain("SecretBrand");
      testContext.completeNow();
    })));
  }
}
