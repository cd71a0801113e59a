package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
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
          .containsEntry("outcome", "completed");
      assertThat((Long) fields.get("first_chunk_ms")).isBetween(0L, (Long) fields.get("duration_ms"));
      assertThat(line.getFormattedMessage() + fields).doesNotContain("SecretBrand");
      testContext.completeNow();
    })));
  }
}
