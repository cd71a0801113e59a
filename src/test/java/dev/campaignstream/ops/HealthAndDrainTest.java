package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liveness, readiness, and what a draining node does with new and running streams. */
@ExtendWith(VertxExtension.class)
class HealthAndDrainTest {

  @Test
  void liveAndReadyWhenAWorkerAnswersWithItsCircuitClosed(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.caller.get("/health/live", null)
        .compose(live -> app.caller.get("/health/ready", null).map(ready -> List.of(live, ready))))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          assertThat(both.get(0).status).isEqualTo(200);
          assertThat(both.get(0).json().getString("status")).isEqualTo("UP");
          CallerResponse ready = both.get(1);
          assertThat(ready.status).isEqualTo(200);
          assertThat(ready.json().getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
              .containsExactlyInAnyOrder("accepting", "openai-workers");
          assertThat(check(ready, "accepting").getString("status")).isEqualTo("UP");
          JsonObject upstream = upstream(ready);
          assertThat(upstream.getString("name")).isEqualTo("openai");
          assertThat(upstream.getBoolean("available")).isTrue();
          assertThat(upstream.getJsonArray("circuits")).containsExactly("CLOSED");
          testContext.completeNow();
        })));
  }

  @Test
  void notReadyWithoutAWorker(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.service.stopWorkers().compose(v -> app.caller.get("/health/ready", null)))
        .onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
          assertThat(ready.status).isEqualTo(503);
          assertThat(check(ready, "openai-workers").getString("status")).isEqualTo("DOWN");
          assertThat(check(ready, "openai-workers").getJsonObject("data").getString("reason"))
              .isEqualTo("no OpenAI worker answers");
          testContext.completeNow();
        })));
  }

  @Test
  void notReadyWhileTheCircuitIsOpen(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(json, "openai", "circuit",
            new JsonObject().put("maxFailures", 1).put("resetTimeoutMs", 60_000)))
        .compose(app -> {
          app.upstream.enqueue(Behaviour.serverError());
          return app.caller.get("/campaign?prompt=Acme", null).compose(failed -> app.caller.get("/health/ready", null));
        })
        .onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
          assertThat(ready.status).isEqualTo(503);
          assertThat(upstream(ready).getJsonArray("circuits")).containsExactly("OPEN");
          assertThat(upstream(ready).getBoolean("available")).isFalse();
          assertThat(upstream(ready).getString("reason")).isEqualTo("unavailable");
          testContext.completeNow();
        })));
  }

  /** Readiness asks the node's own workers, all of them: one open circuit among several is seen every time. */
  @Test
  void oneOpenCircuitAmongTheNodesWorkersIsSeenByEveryReadinessCheck(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(TestService.with(json, "openai", "circuit",
            new JsonObject().put("maxFailures", 1).put("resetTimeoutMs", 60_000)), "instances", "worker", 3))
        .compose(app -> {
          app.upstream.enqueue(Behaviour.serverError());
          return app.caller.get("/campaign?prompt=Acme", null).compose(failed -> {
            List<Future<CallerResponse>> checks = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
              checks.add(app.caller.get("/health/ready", null));
            }
            return Future.all(checks).map(all -> all.<CallerResponse>list());
          });
        })
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          assertThat(answers).allSatisfy(ready -> {
            assertThat(ready.status).isEqualTo(503);
            assertThat(upstream(ready).getJsonArray("circuits")).containsExactly("CLOSED", "CLOSED", "OPEN");
          });
          testContext.completeNow();
        })));
  }

  /** The one upstream's state in the readiness answer. */
  private static JsonObject upstream(CallerResponse ready) {
    return check(ready, "openai-workers").getJsonObject("data").getJsonArray("upstreams").getJsonObject(0);
  }

  /** A node on a Vert.x of its own (shutting it down must not stop the test's), one stream running. */
  private record RunningNode(TestService app, Caller caller, Future<CallerResponse> stream) {

    static Future<RunningNode> start(Vertx vertx, Vertx node, long drainMs, int chunks, int intervalMs) {
      return TestService.start(node, json -> TestService.with(json, "http", "drainTimeoutMs", drainMs)).compose(app -> {
        Caller caller = new Caller(vertx, app.service.httpPort());
        app.upstream.enqueue(Behaviour.stream().withChunks(chunks).withChunkInterval(Duration.ofMillis(intervalMs)));
        Future<CallerResponse> stream = caller.get("/campaign?prompt=Acme", "text/event-stream");
        return Eventually.await(vertx, "streaming", 2_000, () -> app.upstream.activeStreams() == 1)
            .map(v -> new RunningNode(app, caller, stream));
      });
    }
  }

  @Test
  void drainingRefusesNewStreamsAndLetsRunningOnesFinish(Vertx vertx, VertxTestContext testContext) {
    Vertx node = Vertx.vertx();
    RunningNode.start(vertx, node, 10_000, 40, 20)
          .compose(running -> {
            Caller caller = running.caller();
            Future<Void> stopped = running.app().service.shutdown();
            return caller.get("/health/ready", null)
                .compose(ready -> caller.get("/campaign?prompt=Late", null).map(late -> List.of(ready, late)))
                .map(answers -> {
                  testContext.verify(() -> {
                    assertThat(answers.get(0).status).isEqualTo(503);
                    assertThat(check(answers.get(0), "accepting").getString("status")).isEqualTo("DOWN");
                    assertThat(answers.get(1).status).isEqualTo(503);
                    assertThat(answers.get(1).header("Retry-After")).isEqualTo("1");
                    assertThat(answers.get(1).json().getString("detail")).isEqualTo("This node is shutting down, try again");
                  });
                  return answers;
                })
                .compose(checked -> running.stream())
                .compose(finished -> stopped.map(finished));
          }).onComplete(testContext.succeeding(finished -> testContext.verify(() -> {
      List<CallerResponse.Event> events = finished.events();
      assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
      assertThat(events).hasSize(41);
      node.close();
      testContext.completeNow();
    })));
  }

  @Test
  void streamsStillRunningAtTheDrainDeadlineEndWithTheErrorMarker(Vertx vertx, VertxTestContext testContext) {
    Vertx node = Vertx.vertx();
    RunningNode.start(vertx, node, 300, 1_000, 10)
        .compose(running -> running.app().service.shutdown().compose(v -> running.stream()))
        .onComplete(testContext.succeeding(cut -> testContext.verify(() -> {
      List<CallerResponse.Event> events = cut.events();
      assertThat(events.size()).isBetween(2, 200);
      assertThat(events.get(events.size() - 1).type()).isEqualTo("error");
      assertThat(events.get(events.size() - 1).data()).isEqualTo(new JsonObject().put("status", 503)
          .put("detail", "The service is shutting down, try again"));
      node.close();
      testContext.completeNow();
    })));
  }

  private static JsonObject check(CallerResponse health, String id) {
    JsonArray checks = health.json().getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("No check " + id + " in " + health.body());
  }
}
