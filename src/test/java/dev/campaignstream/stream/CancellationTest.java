package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A caller who leaves stops the upstream call, and the service forgets the stream entirely. */
@ExtendWith(VertxExtension.class)
class CancellationTest {

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    // Without the grace an event stream whose caller dropped is held for (ReconnectGraceTest's).
    TestService.startSpread(vertx, json -> TestService.with(TestService.with(json, "openai", "firstTokenTimeoutMs",
            30_000), "stream", "reconnectGraceMs", 0))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          testContext.completeNow();
        }));
  }

  @Test
  void callerLeavingMidStreamResetsTheUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(5)));
    long[] closedAt = new long[1];
    app.caller.get("/campaign?prompt=Acme", "text/event-stream", response -> response.handler(first -> {
          if (closedAt[0] == 0) {
            closedAt[0] = System.nanoTime();
            response.request().connection().close();
          }
        }))
        .compose(seen -> Eventually.await(vertx, "upstream aborted", 2_000, () -> app.upstream.abortedStreams() == 1))
        .map(ms -> (System.nanoTime() - closedAt[0]) / 1_000_000)
        .compose(ms -> assertNoStreamState(vertx).map(ms))
        .onComplete(testContext.succeeding(cancelMs -> testContext.verify(() -> {
          // The promise is 100 ms; a loaded CI machine gets some slack.
          assertThat(cancelMs).isLessThan(250);
          assertThat(app.upstream.completedStreams()).isZero();
          testContext.completeNow();
        })));
  }

  @Test
  void callerLeavingBeforeTheFirstChunkResetsTheUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.hang());
    app.caller.get("/campaign?prompt=Acme", null, response -> { }).onComplete(ar -> { });
    Eventually.await(vertx, "upstream called", 2_000, () -> app.upstream.activeStreams() == 1)
        .compose(v -> app.caller.close())
        .compose(v -> Eventually.await(vertx, "upstream aborted", 2_000, () -> app.upstream.abortedStreams() == 1))
        .compose(ms -> assertNoStreamState(vertx))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aBurstOf500StreamsHalfAbandonedLeavesNothingBehind(Vertx vertx, VertxTestContext testContext) {
    app.upstream.setDefaultBehaviour(Behaviour.stream().withChunks(40).withChunkInterval(Duration.ofMillis(10)));
    List<Future<?>> callers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      boolean leaves = i % 2 == 0;
      callers.add(app.caller.get("/campaign?prompt=Brand" + i, "text/event-stream", response -> {
        if (leaves) {
          response.handler(first -> response.request().connection().close());
        }
      }).map(seen -> {
        if (!leaves && !seen.body().contains("event: done")) {
          throw new AssertionError("A caller who stayed did not get the whole stream: " + seen.body());
        }
        return seen;
      }).recover(failure -> leaves ? Future.succeededFuture() : Future.failedFuture(failure)));
    }
    Future.all(callers)
        .compose(all -> Eventually.await(vertx, "every upstream stream ended", 5_000,
            () -> app.upstream.activeStreams() == 0))
        .compose(ms -> assertNoStreamState(vertx))
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          assertThat(app.upstream.startedStreams()).isEqualTo(500);
          assertThat(app.upstream.completedStreams()).isGreaterThanOrEqualTo(250);
          assertThat(app.upstream.abortedStreams() + app.upstream.completedStreams()).isEqualTo(500);
          testContext.completeNow();
        })));
  }

  private Future<Long> assertNoStreamState(Vertx vertx) {
    return Eventually.await(vertx, "no stream state left", 2_000, () -> app.service.limiter().active() == 0
        && app.service.workerLoad().streams() == 0
        && app.service.workerLoad().bufferedChunks() == 0
        && app.upstream.activeStreams() == 0);
  }
}
