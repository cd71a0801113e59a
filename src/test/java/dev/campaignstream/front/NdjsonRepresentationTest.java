package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code application/x-ndjson}: one JSON object per line, each complete as it arrives, ending
 * with the closing object, or with an error line when the stream fails after it started.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class NdjsonRepresentationTest {

  private static final String NDJSON = "application/x-ndjson";
  private static final List<String> DELTAS = List.of("Campaign", ":", " \"Café\"", " 漢字\n", " 🚀", " launch", "!");

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      testContext.completeNow();
    }));
  }

  @Test
  void eachPieceIsALineThatParsesAsItArrivesThenTheClosingObject(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(50)));
    LineReader reader = new LineReader();
    app.caller.watch("/campaign?prompt=Acme", NDJSON, reader::read)
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          List<JsonObject> linesAsTheyCame = reader.lines;
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.header("Content-Type")).isEqualTo(NDJSON);
          assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
          assertThat(seen.header("X-Campaign-Cache")).isEqualTo("miss");
          assertThat(seen.endedCleanly).isTrue();
          // Pieces 50 ms apart: the first line reached the caller on its own, long before the end.
          assertThat(seen.reads.get(0).toString(StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"Campaign\"}\n");
          assertThat(seen.msFromFirstReadToEnd()).isGreaterThanOrEqualTo(200);
          assertThat(reader.pending.length()).isZero();
          assertThat(linesAsTheyCame).hasSize(DELTAS.size() + 1);
          for (int i = 0; i < DELTAS.size(); i++) {
            assertThat(linesAsTheyCame.get(i)).isEqualTo(new JsonObject().put("text", DELTAS.get(i)));
          }
          JsonObject done = linesAsTheyCame.get(DELTAS.size());
          assertThat(done.fieldNames()).containsExactly("done", "finish_reason", "usage", "cached");
          assertThat(done.getBoolean("done")).isTrue();
          assertThat(done.getString("finish_reason")).isEqualTo("stop");
          assertThat(done.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(DELTAS.size());
          assertThat(done.getBoolean("cached")).isFalse();
          testContext.completeNow();
        })));
  }

  @Test
  void aFailureAfterTheFirstPieceEndsWithAnErrorLineInsteadOfTheClosingObject(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.cutAfter(2).withDeltas(DELTAS));
    app.caller.get("/campaign?prompt=Acme", NDJSON).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.endedCleanly).isTrue();
      assertThat(lines(seen)).containsExactly(
          new JsonObject().put("text", DELTAS.get(0)),
          new JsonObject().put("text", DELTAS.get(1)),
          new JsonObject().put("error", new JsonObject().put("status", 502)
              .put("detail", "OpenAI's stream broke off before the campaign was finished, try again")));
      testContext.completeNow();
    })));
  }

  @Test
  void aFailureBeforeAnyTextIsAProblemDocument(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.rateLimitedSeconds(7));
    app.caller.get("/campaign?prompt=Acme", NDJSON).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(429);
      assertThat(seen.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(seen.json().getString("detail")).isEqualTo("OpenAI is rate-limiting this service, try again in 7 seconds");
      testContext.completeNow();
    })));
  }

  @Test
  void aCacheHitIsTheSameLinesAndSaysSoInTheClosingObject(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS));
    app.caller.get("/campaign?prompt=Acme", NDJSON)
        .compose(miss -> app.caller.get("/campaign?prompt=Acme", NDJSON).map(hit -> List.of(miss, hit)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          List<JsonObject> miss = lines(both.get(0));
          List<JsonObject> hit = lines(both.get(1));
          assertThat(both.get(1).header("X-Campaign-Cache")).isEqualTo("hit");
          assertThat(app.upstream.requests()).hasSize(1);
          assertThat(hit.subList(0, DELTAS.size())).isEqualTo(miss.subList(0, DELTAS.size()));
          JsonObject done = hit.get(DELTAS.size());
          assertThat(done.getBoolean("cached")).isTrue();
          assertThat(done.getJsonObject("usage")).isEqualTo(miss.get(DELTAS.size()).getJsonObject("usage"));
          testContext.completeNow();
        })));
  }

  private static List<JsonObject> lines(CallerResponse seen) {
    LineReader reader = new LineReader();
    reader.read(Buffer.buffer(seen.body()));
    assertThat(reader.pending.length()).as("bytes after the last line").isZero();
    return reader.lines;
  }

  /** As a line-oriented client reads: the bytes up to each newline, parsed as a line completes. */
  private static final class LineReader {

    private final List<JsonObject> lines = new ArrayList<>();
    private Buffer pending = Buffer.buffer();

    void read(Buffer read) {
      pending.appendBuffer(read);
      for (int end = indexOfNewline(); end >= 0; end = indexOfNewline()) {
        lines.add(new JsonObject(pending.getString(0, end, "UTF-8")));
        pending = pending.getBuffer(end + 1, pending.length());
      }
    }

    private int indexOfNewline() {
      for (int i = 0; i < pending.length(); i++) {
        if (pending.getByte(i) == '\n') {
          return i;
        }
      }
      return -1;
    }
  }
}
