package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import dev.campaignstream.support.Caller;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A slow reader never makes the service buffer without bound: backpressure reaches OpenAI. */
@ExtendWith(VertxExtension.class)
class FlowControlTest {

  // Enough bytes (about 14 MB of events) that the kernel's socket buffers cannot hide them all.
  private static final int CHUNKS = 400_000;
  // The same for a JSON document, whose pieces carry no framing: long pieces, fewer of them.
  private static final String LONG_PIECE = "x".repeat(100);
  private static final int LONG_PIECES = 150_000;
  private static final int WINDOW = 32;
  /**
   * Paused, the upstream response delivers nothing more, but the rest of the read already taken
   * is parsed: the worker's reads are 4 KB, and each of OpenAI's content events carries its whole
   * chunk envelope (over 200 bytes), so one read holds at most this many.
   */
  private static final int EVENTS_PER_READ = 4096 / 200 + 1;

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx, json -> TestService.with(json, "stream", "creditWindow", WINDOW))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          testContext.completeNow();
        }));
  }

  @Test
  void aReaderThatStopsPausesTheUpstreamAndBuffersAtMostAWindow(Vertx vertx, VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withChunks(CHUNKS).withChunkInterval(Duration.ZERO));
    HttpClientResponse[] live = new HttpClientResponse[1];
    Caller slowReader = Caller.slowReader(vertx, app.caller.port());
    slowReader.get("/campaign?prompt=Acme", "text/event-stream", response -> {
          live[0] = response;
          response.pause();
        })
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          // Once the reader resumes, nothing was lost on the way.
          assertThat(seen.endedCleanly).isTrue();
          String body = seen.body();
          // Every chunk arrived, numbered without a gap, then the done event.
          int events = body.split("\ndata: \\{\"text\"", -1).length - 1;
          int lastId = Integer.parseInt(body.substring(body.lastIndexOf("id: ") + 4, body.indexOf('\n',
              body.lastIndexOf("id: "))));
          assertThat(lastId).isEqualTo(CHUNKS).isEqualTo(events);
          assertThat(body.substring(body.lastIndexOf("event: "))).startsWith("event: done");
          assertThat(app.upstream.completedStreams()).isEqualTo(1);
          testContext.completeNow();
        })));
    holdsAtMostAWindowWhilePaused(vertx, testContext, live);
  }

  /** The streamed JSON document honours the caller's connection as the event stream does. */
  @Test
  void aJsonReaderThatStopsPausesTheUpstreamToo(Vertx vertx, VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(LONG_PIECE).withChunks(LONG_PIECES)
        .withChunkInterval(Duration.ZERO));
    HttpClientResponse[] live = new HttpClientResponse[1];
    Caller.slowReader(vertx, app.caller.port()).get("/campaign?prompt=Acme", "application/json", response -> {
          live[0] = response;
          response.pause();
        })
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.endedCleanly).isTrue();
          assertThat(seen.json().getString("campaign")).isEqualTo(LONG_PIECE.repeat(LONG_PIECES));
          assertThat(app.upstream.completedStreams()).isEqualTo(1);
          testContext.completeNow();
        })));
    holdsAtMostAWindowWhilePaused(vertx, testContext, live);
  }

  /** Once the upstream is paused, what the service holds stays small for a second; then the reader resumes. */
  private void holdsAtMostAWindowWhilePaused(Vertx vertx, VertxTestContext testContext, HttpClientResponse[] live) {
    long[] buffered = new long[2];
    Eventually.await(vertx, "the upstream was paused", 10_000, () -> app.upstream.pausedCount() > 0)
        .compose(ms -> Eventually.sleep(vertx, 300))
        .map(v -> buffered[0] = app.service.workerLoad().bufferedChunks())
        .compose(v -> Eventually.sleep(vertx, 700))
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          buffered[1] = app.service.workerLoad().bufferedChunks();
          boolean finishedWhilePaused = app.upstream.completedStreams() > 0;
          assertThat(live[0]).as("the response began before the end of the campaign").isNotNull();
          live[0].resume();
          // Parsed but not yet sent: at most one network read's worth of events, however long the wait.
          assertThat(buffered[0]).isBetween(0L, (long) EVENTS_PER_READ);
          assertThat(buffered[1]).isBetween(0L, (long) EVENTS_PER_READ);
          assertThat(finishedWhilePaused).as("the upstream finished while the caller read nothing").isFalse();
        })));
  }
}
