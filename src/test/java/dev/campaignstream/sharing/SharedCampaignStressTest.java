package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many callers join and leave one shared campaign at once, over connections spread across four
 * HTTP instances on their own event loops: those who stay all get the same whole text with the
 * same ids, resumers get exactly what follows their id, one upstream call serves them all, and
 * nothing is left behind.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class SharedCampaignStressTest {

  private static final int PIECES = 300;
  private static final List<String> DELTAS = IntStream.rangeClosed(1, PIECES).mapToObj(i -> " w" + i).toList();
  private static final String TEXT = String.join("", DELTAS);
  private static final String URI = "/campaign?prompt=Acme";
  private static final int CALLERS = 150;

  private static Future<TestService> start(Vertx vertx) {
    return start(vertx, 5_000);
  }

  private static Future<TestService> start(Vertx vertx, long reconnectGraceMs) {
    return TestService.start(vertx, json -> TestService.with(
        json.put("instances", new JsonObject().put("http", 4).put("worker", 2)),
        "stream", "reconnectGraceMs", reconnectGraceMs));
  }

  private static Behaviour campaign() {
    return Behaviour.stream().withDeltas(DELTAS).withFirstTokenDelay(Duration.ofMillis(100))
        .withChunkInterval(Duration.ofMillis(5));
  }

  @Test
  void callersJoiningLeavingAndResumingAtOnceAllSeeOneConsistentCampaign(Vertx vertx, VertxTestContext testContext) {
    Random random = new Random(42);
    start(vertx).compose(app -> {
      app.upstream.enqueue(campaign());
      List<Caller> clients = IntStream.range(0, 3).mapToObj(i -> new Caller(vertx, app.caller.port())).toList();
      List<Future<CallerResponse>> stayers = new ArrayList<>();
      List<Future<CallerResponse>> leavers = new ArrayList<>();
      List<Future<CallerResponse>> resumers = new ArrayList<>();
      List<Integer> resumedAfter = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        Caller client = clients.get(i % clients.size());
        long delay = 1 + random.nextInt(1_200);
        switch (i % 3) {
          case 0 -> stayers.add(later(vertx, delay, () -> client.get(URI, "text/event-stream")));
          case 1 -> {
            int reads = 1 + random.nextInt(20);
            leavers.add(later(vertx, delay, () -> client.get(URI, "text/event-stream", leaveAfter(reads))));
          }
          default -> {
            int after = 1 + random.nextInt(100);
            resumedAfter.add(after);
            resumers.add(later(vertx, delay, () -> client.request(HttpMethod.GET, URI,
                Map.of("Accept", "text/event-stream", "Last-Event-ID", String.valueOf(after)), response -> { })));
          }
        }
      }
      List<Future<CallerResponse>> all = new ArrayList<>(stayers);
      all.addAll(leavers);
      all.addAll(resumers);
      return Future.join(all).otherwiseEmpty().map(done -> {
        testContext.verify(() -> {
          assertThat(app.upstream.requests()).as("upstream calls").hasSize(1);
          CallerResponse first = stayers.get(0).result();
          assertThat(first.status).as(first.body()).isEqualTo(200);
          List<Event> reference = first.events();
          assertThat(CoalescingTest.texts(reference)).as(first.body()).isEqualTo(TEXT);
          for (Future<CallerResponse> stayer : stayers) {
            CallerResponse seen = stayer.result();
            assertThat(seen.status).isEqualTo(200);
            assertThat(seen.endedCleanly).isTrue();
            assertThat(seen.events()).isEqualTo(reference);
          }
          for (int i = 0; i < resumers.size(); i++) {
            CallerResponse seen = resumers.get(i).result();
            int after = resumedAfter.get(i);
            assertThat(seen.status).as(seen.body()).isEqualTo(200);
            assertThat(seen.endedCleanly).isTrue();
            // Live or from the cache (whose done event says so), the same pieces with the same ids.
            List<Event> events = seen.events();
            assertThat(events.subList(0, events.size() - 1)).as("resumed after " + after)
                .isEqualTo(reference.subList(after, reference.size() - 1));
            assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
          }
          assertThat(leavers).allSatisfy(leaver -> assertThat(leaver.result().status).isEqualTo(200));
        });
        return app;
      });
    }).compose(app -> nothingLeft(vertx, app)).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void callersAllLeavingAtOnceOnDifferentLoopsCancelTheOneUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    Random random = new Random(7);
    // The last to leave may be an event stream, which would be held for its reconnect without this.
    start(vertx, 0).compose(app -> {
      app.upstream.enqueue(campaign(), Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ZERO));
      List<Caller> clients = IntStream.range(0, 3).mapToObj(i -> new Caller(vertx, app.caller.port())).toList();
      List<Future<CallerResponse>> leavers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Caller client = clients.get(i % clients.size());
        int reads = 1 + random.nextInt(10);
        String accept = List.of("text/plain", "text/event-stream").get(i % 2);
        leavers.add(later(vertx, 1 + random.nextInt(150), () -> client.get(URI, accept, leaveAfter(reads))));
      }
      return Future.join(leavers).otherwiseEmpty()
          .compose(left -> Eventually.await(vertx, "the upstream call was aborted", 5_000,
              () -> app.upstream.abortedStreams() == 1))
          .compose(aborted -> nothingLeft(vertx, app))
          // Nothing half-written was kept: the next caller pays for a new campaign, and gets it whole.
          .compose(clean -> app.caller.get(URI, "text/plain"))
          .map(next -> {
            testContext.verify(() -> {
              assertThat(next.header("X-Campaign-Cache")).isEqualTo("miss");
              assertThat(next.body()).isEqualTo(TEXT);
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return app;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  /** Every slot released, no campaign in flight, nothing held on the worker side. */
  private static Future<Long> nothingLeft(Vertx vertx, TestService app) {
    return Eventually.await(vertx, "nothing left behind", 5_000,
        () -> app.service.limiter().active() == 0 && app.service.sharedStreams() == 0
            && app.service.workerLoad().streams() == 0 && app.service.workerLoad().bufferedChunks() == 0);
  }

  /** Closes the connection once the caller has had {@code reads} reads. */
  private static Consumer<HttpClientResponse> leaveAfter(int reads) {
    return response -> {
      int[] seen = {0};
      response.handler(read -> {
        if (++seen[0] == reads) {
          response.request().connection().close();
        }
      });
    };
  }

  private static Future<CallerResponse> later(Vertx vertx, long delayMs, Supplier<Future<CallerResponse>> call) {
    Promise<CallerResponse> result = Promise.promise();
    vertx.setTimer(delayMs, id -> call.get().onComplete(result));
    return result.future();
  }
}
