package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries happen only before the caller has seen anything; a failing OpenAI opens the circuit. */
@ExtendWith(VertxExtension.class)
class RetryAndCircuitTest {

  private static final List<String> DELTAS = List.of("Fine", " after", " all");

  private static Future<TestService> start(Vertx vertx, int attempts, int circuitFailures) {
    return TestService.start(vertx, json -> {
      TestService.with(json, "openai", "retry", new JsonObject().put("maxAttempts", attempts)
          .put("initialBackoffMs", 20).put("maxBackoffMs", 100).put("maxTotalWaitMs", 2_000));
      return TestService.with(json, "openai", "circuit", new JsonObject().put("maxFailures", circuitFailures)
          .put("resetTimeoutMs", 300));
    });
  }

  @Test
  void overloadAndCutsBeforeTheFirstTokenAreRetried(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 4, 100).compose(app -> {
      app.upstream.enqueue(Behaviour.unavailable(), Behaviour.serverError(), Behaviour.cutAfter(0),
          Behaviour.stream().withDeltas(DELTAS));
      return app.caller.get("/campaign?prompt=Acme", null).map(seen -> {
        testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.body()).isEqualTo("Fine after all");
          assertThat(app.upstream.requests()).hasSize(4);
        });
        return seen;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void retryAfterFromOpenAiIsHonoured(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, 100).compose(app -> {
      app.upstream.enqueue(Behaviour.rateLimited(Duration.ofMillis(400)), Behaviour.stream().withDeltas(DELTAS));
      return app.caller.get("/campaign?prompt=Acme", null).map(seen -> {
        testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          long gapNanos = app.upstream.requests().get(1).receivedAtNanos() - app.upstream.requests().get(0).receivedAtNanos();
          assertThat(gapNanos).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
        });
        return seen;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aRetryAfterBeyondTheBudgetIsPassedOnInsteadOfWaitedFor(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 3, 100).compose(app -> {
      app.upstream.enqueue(Behaviour.rateLimitedSeconds(30));
      return app.caller.get("/campaign?prompt=Acme", null).map(seen -> {
        testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(429);
          assertThat(seen.header("Retry-After")).isEqualTo("30");
          assertThat(app.upstream.requests()).hasSize(1);
        });
        return seen;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void quotaAndCredentialFailuresAreNeverRetried(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 3, 100).compose(app -> {
      app.upstream.enqueue(Behaviour.insufficientQuota(), Behaviour.invalidApiKey());
      return app.caller.get("/campaign?prompt=Acme", null)
          .compose(quota -> app.caller.get("/campaign?prompt=Acme", null).map(key -> List.of(quota, key)))
          .map(both -> {
            testContext.verify(() -> {
              assertThat(both).extracting(seen -> seen.status).containsExactly(502, 502);
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return both;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void nothingIsRetriedOnceTextHasReachedTheCaller(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 3, 100).compose(app -> {
      app.upstream.enqueue(Behaviour.cutAfter(2).withDeltas(DELTAS));
      return app.caller.get("/campaign?prompt=Acme", "text/event-stream").map(seen -> {
        testContext.verify(() -> {
          assertThat(seen.body()).contains("event: error");
          assertThat(app.upstream.requests()).hasSize(1);
        });
        return seen;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void callersLeavingBeforeTheFirstTokenDoNotOpenTheCircuit(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, 2).compose(app -> {
      app.upstream.enqueue(Behaviour.hang(), Behaviour.hang(), Behaviour.hang());
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(DELTAS));
      Future<Void> leavers = Future.succeededFuture();
      for (int i = 1; i <= 3; i++) {
        int left = i;
        leavers = leavers.compose(v -> {
          Caller leaving = new Caller(vertx, app.caller.port());
          leaving.get("/campaign?prompt=Acme", null).onComplete(ignored -> { });
          return Eventually.await(vertx, "upstream called", 2_000, () -> app.upstream.activeStreams() == 1)
              .compose(ms -> leaving.close())
              .compose(closed -> Eventually.await(vertx, "upstream reset", 2_000,
                  () -> app.upstream.abortedStreams() == left))
              .mapEmpty();
        });
      }
      return leavers.compose(v -> app.caller.get("/campaign?prompt=Acme", null)).map(stayed -> {
        testContext.verify(() -> {
          assertThat(stayed.status).isEqualTo(200);
          assertThat(stayed.body()).isEqualTo("Fine after all");
          assertThat(app.upstream.requests()).hasSize(4);
        });
        return stayed;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aFailingOpenAiOpensTheCircuitThenOneProbeClosesIt(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, 3).compose(app -> {
      app.upstream.enqueue(Behaviour.serverError(), Behaviour.serverError(), Behaviour.serverError());
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(DELTAS));
      Future<Void> threeFailures = Future.succeededFuture();
      for (int i = 0; i < 3; i++) {
        threeFailures = threeFailures.compose(v -> app.caller.get("/campaign?prompt=Acme", null).mapEmpty());
      }
      return threeFailures
          .compose(v -> app.caller.get("/campaign?prompt=Acme", null))
          .map(shortCircuited -> {
            testContext.verify(() -> {
              assertThat(shortCircuited.status).isEqualTo(503);
              assertThat(shortCircuited.header("Retry-After")).isEqualTo("1");
              assertThat(shortCircuited.json().getString("detail")).isEqualTo("OpenAI server is busy, try again later");
              // Answered without calling OpenAI.
              assertThat(app.upstream.requests()).hasSize(3);
            });
            return shortCircuited;
          })
          .compose(v -> Eventually.sleep(vertx, 400))
          .compose(v -> app.caller.get("/campaign?prompt=Acme", null))
          .map(probe -> {
            testContext.verify(() -> {
              assertThat(probe.status).isEqualTo(200);
              assertThat(probe.body()).isEqualTo("Fine after all");
              assertThat(app.upstream.requests()).hasSize(4);
            });
            return probe;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }
}
