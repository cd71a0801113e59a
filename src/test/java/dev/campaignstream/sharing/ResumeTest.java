package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An EventSource that reconnects with {@code Last-Event-ID: n} gets the events after n, from the
 * stream in flight or from the cache: no repeat, and no new call to OpenAI.
 */
@ExtendWith(VertxExtension.class)
class ResumeTest {

  private static final List<String> DELTAS = IntStream.rangeClosed(1, 10).mapToObj(i -> " piece" + i).toList();
  private static final String URI = "/campaign?prompt=Acme";

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(5)));
      testContext.completeNow();
    }));
  }

  private Future<CallerResponse> resume(String lastEventId) {
    return app.caller.request(HttpMethod.GET, URI, Map.of("Accept", "text/event-stream", "Last-Event-ID", lastEventId),
        response -> { });
  }

  /** The events a caller resuming after {@code after} must get: ids after it, then done. */
  private static void assertEventsAfter(List<Event> events, int after, boolean cached) {
    assertThat(events).hasSize(DELTAS.size() - after + 1);
    for (int id = after + 1; id <= DELTAS.size(); id++) {
      Event event = events.get(id - after - 1);
      assertThat(event.type()).isEqualTo("message");
      assertThat(event.id()).isEqualTo(Integer.toString(id));
      assertThat(event.data()).isEqualTo(new JsonObject().put("text", DELTAS.get(id - 1)));
    }
    Event done = events.get(events.size() - 1);
    assertThat(done.type()).isEqualTo("done");
    assertThat(done.data().getString("finish_reason")).isEqualTo("stop");
    assertThat(done.data().getBoolean("cached")).isEqualTo(cached);
  }

  /** Opens a stream that writes a piece every 100 ms, and completes once its caller has seen event {@code id}. */
  private Future<Future<CallerResponse>> streamingPast(int id) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(100)));
    Promise<Future<CallerResponse>> seen = Promise.promise();
    StringBuilder body = new StringBuilder();
    Future<CallerResponse> original = app.caller.watch(URI, "text/event-stream", read -> {
      body.append(read.toString(StandardCharsets.UTF_8));
      if (body.toString().contains("id: " + id + "\n")) {
        seen.tryComplete(null);
      }
    });
    return seen.future().map(v -> original);
  }

  @Test
  void midStreamItContinuesAfterTheLastEventId(VertxTestContext testContext) {
    streamingPast(3).compose(original -> resume("3").compose(resumed -> original.map(first -> {
      testContext.verify(() -> {
        assertThat(resumed.status).isEqualTo(200);
        assertThat(resumed.header("X-Campaign-Cache")).isEqualTo("shared");
        assertEventsAfter(resumed.events(), 3, false);
        assertEventsAfter(first.events(), 0, false);
        assertThat(app.upstream.requests()).hasSize(1);
      });
      return resumed;
    }))).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anIdNotWrittenYetWaitsForTheEventsAfterIt(VertxTestContext testContext) {
    streamingPast(2).compose(original -> resume("7").compose(resumed -> original.map(first -> {
      testContext.verify(() -> {
        assertEventsAfter(resumed.events(), 7, false);
        assertThat(app.upstream.requests()).hasSize(1);
      });
      return resumed;
    }))).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void afterCompletionItIsServedFromTheCache(VertxTestContext testContext) {
    app.caller.get(URI, "text/event-stream")
        .compose(first -> resume("4")
            .compose(afterFour -> resume("10")
                .compose(afterAll -> resume("99")
                    .map(beyond -> {
                      testContext.verify(() -> {
                        assertEventsAfter(first.events(), 0, false);
                        assertThat(afterFour.header("X-Campaign-Cache")).isEqualTo("hit");
                        assertEventsAfter(afterFour.events(), 4, true);
                        // Everything already seen: just the done event.
                        assertEventsAfter(afterAll.events(), 10, true);
                        assertThat(beyond.events()).extracting(Event::type).containsExactly("done");
                        assertThat(app.upstream.requests()).hasSize(1);
                      });
                      return beyond;
                    }))))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void nothingToResumeFromIs410WithoutCallingOpenAi(VertxTestContext testContext) {
    resume("5").onComplete(testContext.succeeding(gone -> testContext.verify(() -> {
      assertThat(gone.status).isEqualTo(410);
      assertThat(gone.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(gone.json()).isEqualTo(new JsonObject().put("title", "Gone").put("status", 410).put("detail",
          "The campaign stream to resume after event 5 is no longer available; reconnect without Last-Event-ID"));
      assertThat(app.upstream.requests()).isEmpty();
      assertThat(app.service.limiter().active()).isZero();
      testContext.completeNow();
    })));
  }

  @Test
  void anIdThisServiceCannotHaveSentIsIgnored(VertxTestContext testContext) {
    resume("abc").onComplete(testContext.succeeding(fresh -> testContext.verify(() -> {
      assertThat(fresh.header("X-Campaign-Cache")).isEqualTo("miss");
      assertEventsAfter(fresh.events(), 0, false);
      testContext.completeNow();
    })));
  }

  @Test
  void plainTextHasNoEventsAndIgnoresLastEventId(VertxTestContext testContext) {
    app.caller.get(URI, "text/plain")
        .compose(first -> app.caller.request(HttpMethod.GET, URI, Map.of("Accept", "text/plain", "Last-Event-ID", "4"),
            response -> { }))
        .onComplete(testContext.succeeding(hit -> testContext.verify(() -> {
          assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
          assertThat(hit.body()).isEqualTo(String.join("", DELTAS));
          testContext.completeNow();
        })));
  }
}
