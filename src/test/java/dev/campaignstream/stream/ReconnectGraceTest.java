package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An event stream whose only caller's connection dropped is held, paused, for the reconnect
 * grace: the EventSource that comes back with {@code Last-Event-ID} continues it, with no new
 * call; one that does not come back has the call cancelled when the grace is over. Other
 * representations that leave cancel at once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ReconnectGraceTest {

  private static final String URI = "/campaign?prompt=Acme";
  private static final Pattern ID = Pattern.compile("id: (\\d+)\n");

  @Test
  void aDroppedEventStreamIsHeldPausedAndContinuesOnItsReconnect(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 5_000).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(400).withChunkInterval(Duration.ofMillis(2)));
      return dropAfterFirstEvents(app).compose(lastId -> Eventually.sleep(vertx, 1_500)
          .compose(v -> {
            testContext.verify(() -> {
              // Held, not cancelled; and paused: the worker holds what OpenAI sent beyond its credit.
              assertThat(app.upstream.abortedStreams()).isZero();
              assertThat(app.service.sharedStreams()).isEqualTo(1);
              assertThat(app.service.workerLoad().bufferedChunks()).isPositive();
            });
            return resume(app, lastId);
          })
          .map(resumed -> {
            testContext.verify(() -> {
              assertThat(resumed.status).isEqualTo(200);
              assertThat(resumed.header("X-Campaign-Cache")).isEqualTo("shared");
              List<Event> events = resumed.events();
              assertThat(events.get(0).id()).isEqualTo(Long.toString(lastId + 1));
              for (int i = 1; i < events.size() - 1; i++) {
                assertThat(events.get(i).id()).isEqualTo(Long.toString(lastId + 1 + i));
              }
              assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
              assertThat(events).hasSize(400 - (int) (long) lastId + 1);
              assertThat(app.upstream.requests()).hasSize(1);
              assertThat(app.upstream.abortedStreams()).isZero();
            });
            return resumed;
          }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void withoutAReconnectTheCallIsCancelledWhenTheGraceIsOver(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 600).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(2)));
      long[] droppedAt = new long[1];
      return dropAfterFirstEvents(app)
          .compose(lastId -> {
            droppedAt[0] = System.nanoTime();
            return Eventually.await(vertx, "upstream aborted", 5_000, () -> app.upstream.abortedStreams() == 1);
          })
          .map(v -> {
            long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - droppedAt[0]);
            testContext.verify(() -> {
              assertThat(heldMs).isBetween(500L, 3_000L);
              assertThat(app.service.sharedStreams()).isZero();
            });
            return heldMs;
          })
          .compose(v -> resume(app, 3))
          .map(gone -> {
            testContext.verify(() -> assertThat(gone.status).isEqualTo(410));
            return gone;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aGraceOfZeroCancelsADroppedEventStreamAtOnce(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 0).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(2)));
      return dropAfterFirstEvents(app).compose(lastId -> Eventually.await(vertx, "upstream aborted", 1_000,
          () -> app.upstream.abortedStreams() == 1));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aPlainTextCallerLeavingCancelsAtOnceWhateverTheGrace(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 5_000).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(2)));
      app.caller.get(URI, "text/plain", response -> response.handler(read -> response.request().connection().close()))
          .onComplete(ignored -> { });
      return Eventually.await(vertx, "upstream aborted", 1_000, () -> app.upstream.abortedStreams() == 1);
    }).onComplete(testContext.succeedingThenComplete());
  }

  private static Future<TestService> start(Vertx vertx, long graceMs) {
    return TestService.start(vertx, json -> TestService.with(json, "stream", "reconnectGraceMs", graceMs));
  }

  /** A lone event-stream caller that reads a few events, then its connection drops; the id it saw last. */
  private static Future<Long> dropAfterFirstEvents(TestService app) {
    Promise<Long> dropped = Promise.promise();
    StringBuilder seen = new StringBuilder();
    app.caller.get(URI, "text/event-stream", response -> response.handler(read -> {
      seen.append(read.toString(StandardCharsets.UTF_8));
      if (!dropped.future().isComplete() && seen.toString().contains("id: 3\n")) {
        long last = 0;
        for (Matcher id = ID.matcher(seen); id.find(); ) {
          last = Long.parseLong(id.group(1));
        }
        response.request().connection().close();
        dropped.tryComplete(last);
      }
    })).onComplete(ignored -> { });
    return dropped.future();
  }

  private static Future<CallerResponse> resume(TestService app, long lastId) {
    return app.caller.request(HttpMethod.GET, URI,
        Map.of("Accept", "text/event-stream", "Last-Event-ID", Long.toString(lastId)), response -> { });
  }
}
