package dev.campaignstream.upstream;

import static dev.campaignstream.support.SeveralUpstreams.openAi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.CampaignWriter;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.RateLimits;
import dev.campaignstream.simulator.RecordedRequest;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Scrape;
import dev.campaignstream.support.SeveralUpstreams;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several upstreams, each a simulator on loopback: weights, failover before the first text, rate
 * limits that steer new streams, the wait when none can take a stream, Azure's request shape.
 * Asserted on what the caller got and what each upstream saw.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ManyUpstreamsTest {

  /** Every request makes its own call, failovers are allowed, and nothing waits unless a test says. */
  private static UnaryOperator<JsonObject> calls(UnaryOperator<JsonObject> more) {
    return json -> {
      TestService.with(json, "cache", "enabled", false);
      json.getJsonObject("openai").put("retry", new JsonObject().put("maxAttempts", 3).put("initialBackoffMs", 0)
          .put("maxBackoffMs", 0));
      return more.apply(json);
    };
  }

  private static Future<SeveralUpstreams> start(Vertx vertx, int count,
      BiFunction<Integer, OpenAiSimulator, JsonObject> entry, UnaryOperator<JsonObject> configure) {
    return SeveralUpstreams.start(vertx, count, entry, calls(configure));
  }

  private static String text(CallerResponse seen) {
    return seen.body();
  }

  @Test
  void newStreamsAreSpreadByWeight(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "heavy" : "light", sim, i == 0 ? 3 : 1), json -> json)
        .compose(app -> {
          List<Future<CallerResponse>> all = new ArrayList<>();
          for (int n = 0; n < 120; n++) {
            all.add(app.caller.get("/campaign?prompt=Brand" + n, "text/plain"));
          }
          return Future.all(all).map(done -> app);
        })
        .onComplete(testContext.succeeding(app -> testContext.verify(() -> {
          int heavy = app.sim(0).startedStreams();
          int light = app.sim(1).startedStreams();
          assertThat(heavy + light).isEqualTo(120);
          // 3:1 of 120 is 90:30; the bounds are more than four standard deviations wide.
          assertThat(heavy).isBetween(70, 110);
          assertThat(light).isBetween(10, 50);
          testContext.completeNow();
        })));
  }

  @Test
  void a429MovesTheStreamToAnotherUpstreamWithNoTextLost(Vertx vertx, VertxTestContext testContext) {
    // The second upstream is a standby (weight 0): only a failover sends it anything.
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "first" : "standby", sim, i == 0 ? 1 : 0), json -> json)
        .compose(app -> {
          app.sim(0).enqueue(Behaviour.rateLimited(Duration.ofSeconds(20)));
          return app.caller.get("/campaign?prompt=Acme", "text/plain")
              .compose(first -> app.caller.get("/campaign?prompt=Other", "text/plain")
                  .map(second -> new Object[] {app, first, second}));
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse first = (CallerResponse) result[1];
          CallerResponse second = (CallerResponse) result[2];
          assertThat(first.status).isEqualTo(200);
          assertThat(text(first)).isEqualTo(CampaignWriter.write("Acme"));
          assertThat(second.status).isEqualTo(200);
          assertThat(text(second)).isEqualTo(CampaignWriter.write("Other"));
          // The 429 closed the first upstream for its reset: the second stream went to the standby unasked.
          assertThat(app.sim(0).requests()).hasSize(1);
          assertThat(app.sim(1).requests()).hasSize(2);
          testContext.completeNow();
        })));
  }

  @Test
  void serverErrorsAndRefusedConnectionsFailOverBeforeTheFirstText(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 3, (i, sim) -> openAi("u" + i, sim, i == 2 ? 0 : 1), json -> json)
        .compose(app -> {
          app.sim(0).setDefaultBehaviour(Behaviour.serverError());
          // The second upstream's server is gone: its connections are refused.
          return app.sim(1).close().compose(v -> {
            List<Future<CallerResponse>> all = new ArrayList<>();
            for (int n = 0; n < 6; n++) {
              all.add(app.caller.get("/campaign?prompt=Brand" + n, "text/plain"));
            }
            return Future.all(all).map(done -> {
              List<CallerResponse> seen = new ArrayList<>();
              all.forEach(future -> seen.add(future.result()));
              return new Object[] {app, seen};
            });
          });
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          @SuppressWarnings("unchecked")
          List<CallerResponse> seen = (List<CallerResponse>) result[1];
          for (int n = 0; n < 6; n++) {
            assertThat(seen.get(n).status).isEqualTo(200);
            assertThat(text(seen.get(n))).isEqualTo(CampaignWriter.write("Brand" + n));
          }
          assertThat(app.sim(2).completedStreams()).isEqualTo(6);
          assertThat(app.sim(0).startedStreams()).isZero();
          testContext.completeNow();
        })));
  }

  @Test
  void aSilentUpstreamIsLeftForAnotherAfterTheFirstTokenTimeout(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "silent" : "standby", sim, i == 0 ? 1 : 0),
        json -> TestService.with(json, "openai", "firstTokenTimeoutMs", 400))
        .compose(app -> {
          app.sim(0).enqueue(Behaviour.hang());
          long started = System.nanoTime();
          return app.caller.get("/campaign?prompt=Acme", "text/plain")
              .map(seen -> new Object[] {app, seen, System.nanoTime() - started});
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse seen = (CallerResponse) result[1];
          assertThat(seen.status).isEqualTo(200);
          assertThat(text(seen)).isEqualTo(CampaignWriter.write("Acme"));
          assertThat(TimeUnit.NANOSECONDS.toMillis((long) result[2])).isGreaterThanOrEqualTo(400);
          assertThat(app.sim(1).completedStreams()).isEqualTo(1);
          testContext.completeNow();
        })));
  }

  @Test
  void afterTheFirstTextThereIsNoFailover(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "first" : "standby", sim, i == 0 ? 1 : 0), json -> json)
        .compose(app -> {
          app.sim(0).enqueue(Behaviour.cutAfter(3));
          return app.caller.get("/campaign?prompt=Acme", "text/event-stream").map(seen -> new Object[] {app, seen});
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse seen = (CallerResponse) result[1];
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.events()).anyMatch(event -> "error".equals(event.type()));
          assertThat(app.sim(1).requests()).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void rateLimitHeadersSteerNewStreamsUntilTheirReset(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "limited" : "standby", sim, i == 0 ? 1 : 0), json -> json)
        .compose(app -> {
          shortCampaigns(app);
          // Two requests per window: the second answer says none remain, until the reset.
          app.sim(0).setRateLimits(RateLimits.requestsPer(2, Duration.ofMillis(1500)));
          return sequentially(app, List.of("A", "B", "C", "D")).compose(first -> {
            int limitedAfterFour = app.sim(0).requests().size();
            int standbyAfterFour = app.sim(1).requests().size();
            return delay(vertx, 1700).compose(v -> app.caller.get("/campaign?prompt=E", "text/plain"))
                .map(last -> new int[] {limitedAfterFour, standbyAfterFour, app.sim(0).requests().size(),
                    last.status});
          });
        })
        .onComplete(testContext.succeeding(counts -> testContext.verify(() -> {
          assertThat(counts[0]).as("requests the limited upstream saw").isEqualTo(2);
          assertThat(counts[1]).as("requests the standby saw").isEqualTo(2);
          assertThat(counts[2]).as("after the reset, the limited upstream is asked again").isEqualTo(3);
          assertThat(counts[3]).isEqualTo(200);
          testContext.completeNow();
        })));
  }

  @Test
  void whenEveryUpstreamIsRateLimitedACallerWaitsForTheReset(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, (i, sim) -> openAi("only", sim, 1),
        json -> TestService.with(json, "openai", "queue", new JsonObject().put("maxWaitMs", 4000)))
        .compose(app -> {
          app.sim(0).setRateLimits(RateLimits.requestsPer(1, Duration.ofMillis(1200)));
          return app.caller.get("/campaign?prompt=A", "text/plain").compose(first -> {
            long started = System.nanoTime();
            return app.caller.get("/campaign?prompt=B", "text/plain")
                .map(second -> new Object[] {app, second, System.nanoTime() - started});
          });
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse second = (CallerResponse) result[1];
          assertThat(second.status).isEqualTo(200);
          assertThat(text(second)).isEqualTo(CampaignWriter.write("B"));
          assertThat(TimeUnit.NANOSECONDS.toMillis((long) result[2])).isGreaterThan(500);
          // It waited rather than asking the upstream and being refused.
          assertThat(app.sim(0).requests()).hasSize(2);
          testContext.completeNow();
        })));
  }

  @Test
  void aWaitThatTimesOutIs429WithTheEarliestReset(VertxTestContext testContext) {
    Vertx vertx = MetricsSetup.vertx();
    start(vertx, 2, (i, sim) -> openAi("u" + i, sim, 1),
        json -> TestService.with(json, "openai", "queue", new JsonObject().put("maxWaitMs", 300)))
        .compose(app -> {
          app.sim(0).setRateLimits(RateLimits.requestsPer(1, Duration.ofSeconds(30)));
          app.sim(1).setRateLimits(RateLimits.requestsPer(1, Duration.ofSeconds(10)));
          return sequentially(app, List.of("A", "B"))
              .compose(v -> app.caller.get("/campaign?prompt=C", "text/plain"))
              .compose(refused -> app.caller.get("/metrics", "text/plain")
                  .map(metrics -> new Object[] {app, refused, metrics.body()}));
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse refused = (CallerResponse) result[1];
          assertThat(refused.status).isEqualTo(429);
          assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(9, 10);
          assertThat(refused.json().getString("detail")).contains("rate-limiting every upstream");
          assertThat(app.sim(0).requests().size() + app.sim(1).requests().size()).isEqualTo(2);
          String scrape = (String) result[2];
          assertThat(Scrape.value(scrape, "campaign_upstream_queue_wait_seconds_count", "outcome=\"timed_out\""))
              .isPositive();
          assertThat(Scrape.value(scrape, "campaign_upstream_refusals_total", "reason=\"rate_limited\"")).isPositive();
          assertThat(Scrape.value(scrape, "campaign_upstream_remaining", "limit=\"requests\"", "upstream=\"u0\""))
              .isZero();
          assertThat(Scrape.value(scrape, "campaign_upstream_available", "upstream=\"u1\"")).isZero();
          vertx.close().onComplete(testContext.succeedingThenComplete());
        })));
  }

  @Test
  void azureGetsItsOwnRequestShape(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, (i, sim) -> new JsonObject().put("name", "azure-eu").put("type", "azure")
            .put("baseUrl", sim.origin() + "/openai/deployments/gpt-4o-mini").put("apiVersion", "2024-10-21"),
        json -> json)
        .compose(app -> app.caller.get("/campaign?prompt=Acme", "text/plain").map(seen -> new Object[] {app, seen}))
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse seen = (CallerResponse) result[1];
          assertThat(seen.status).isEqualTo(200);
          assertThat(text(seen)).isEqualTo(CampaignWriter.write("Acme"));
          RecordedRequest request = app.sim(0).requests().get(0);
          assertThat(request.path()).isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
          assertThat(request.query()).isEqualTo("api-version=2024-10-21");
          assertThat(request.headers().get("api-key")).isEqualTo(SeveralUpstreams.keyOf(0));
          assertThat(request.headers().get("Authorization")).isNull();
          testContext.completeNow();
        })));
  }

  @Test
  void theSingleFormIsOneUpstreamNamedOpenai(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx)
        .compose(app -> app.caller.get("/campaign?prompt=Acme", "text/plain")
            .compose(seen -> app.caller.get("/health/ready", "application/json")
                .map(ready -> new Object[] {app, seen, ready})))
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          TestService app = (TestService) result[0];
          CallerResponse ready = (CallerResponse) result[2];
          assertThat(((CallerResponse) result[1]).status).isEqualTo(200);
          RecordedRequest request = app.upstream.requests().get(0);
          assertThat(request.path()).isEqualTo("/v1/chat/completions");
          assertThat(request.query()).isNull();
          assertThat(request.headers().get("Authorization")).isEqualTo("Bearer " + TestService.API_KEY);
          assertThat(request.body().getString("model")).isEqualTo("gpt-test");
          assertThat(ready.status).isEqualTo(200);
          assertThat(ready.body()).contains("\"name\":\"openai\"").doesNotContain(TestService.API_KEY);
          testContext.completeNow();
        })));
  }

  @Test
  void aFailingUpstreamIsDrainedOfStreamsAndTakesThemAgainOnceItRecovers(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 2, (i, sim) -> openAi(i == 0 ? "failing" : "steady", sim, 1),
        json -> TestService.with(json, "openai", "circuit", new JsonObject().put("maxFailures", 2)
            .put("resetTimeoutMs", 1500)))
        .compose(app -> {
          shortCampaigns(app);
          app.sim(0).setDefaultBehaviour(Behaviour.serverError());
          return sequentially(app, brands("during", 12))
              .compose(v -> app.caller.get("/health/ready", "application/json"))
              .compose(ready -> {
                int seenWhileFailing = app.sim(0).requests().size();
                app.sim(0).setDefaultBehaviour(SHORT);
                return delay(vertx, 1700).compose(v -> sequentially(app, brands("after", 20)))
                    .map(v -> new Object[] {app, ready, seenWhileFailing});
              });
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse ready = (CallerResponse) result[1];
          // Two failures in a row opened its circuit: no stream was sent to it after them.
          assertThat((int) result[2]).isEqualTo(2);
          assertThat(ready.status).as("ready: the other upstream takes streams").isEqualTo(200);
          JsonObject failing = ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
              .filter(check -> check.getString("id").equals("openai-workers")).findFirst().orElseThrow()
              .getJsonObject("data").getJsonArray("upstreams").getJsonObject(0);
          assertThat(failing.getString("name")).isEqualTo("failing");
          assertThat(failing.getBoolean("available")).isFalse();
          assertThat(failing.getString("reason")).isEqualTo("unavailable");
          assertThat(app.sim(0).completedStreams()).as("streams it wrote after recovering").isPositive();
          assertThat(app.sim(1).completedStreams() + app.sim(0).completedStreams()).isEqualTo(32);
          testContext.completeNow();
        })));
  }

  @Test
  void withEveryConnectionInUseACallerWaitsBrieflyThenHearsOfTheServicesOwnCapacity(VertxTestContext testContext) {
    Vertx vertx = MetricsSetup.vertx();
    start(vertx, 1, (i, sim) -> openAi("only", sim, 1), json -> {
      TestService.with(json, "openai", "maxConnections", 2);
      return TestService.with(json, "openai", "queue", new JsonObject().put("poolWaitMs", 300));
    })
        .compose(app -> {
          app.sim(0).setDefaultBehaviour(Behaviour.stream().withChunks(20).withChunkInterval(Duration.ofMillis(100)));
          Future<CallerResponse> one = app.caller.get("/campaign?prompt=One", "text/plain");
          Future<CallerResponse> two = app.caller.get("/campaign?prompt=Two", "text/plain");
          return delay(vertx, 300).compose(v -> app.caller.get("/campaign?prompt=Three", "text/plain"))
              .compose(third -> Future.all(one, two).compose(v -> app.caller.get("/metrics", "text/plain"))
                  .map(metrics -> new Object[] {app, third, metrics.body(), one.result(), two.result()}));
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          CallerResponse third = (CallerResponse) result[1];
          assertThat(third.status).isEqualTo(503);
          assertThat(third.header("Retry-After")).isEqualTo("1");
          assertThat(third.json().getString("detail")).contains("This service is at its capacity")
              .doesNotContain("OpenAI");
          assertThat(((CallerResponse) result[3]).status).isEqualTo(200);
          assertThat(((CallerResponse) result[4]).status).isEqualTo(200);
          assertThat(app.sim(0).requests()).hasSize(2);
          String scrape = (String) result[2];
          assertThat(Scrape.value(scrape, "campaign_upstream_queue_wait_seconds_count", "outcome=\"timed_out\""))
              .isPositive();
          assertThat(Scrape.value(scrape, "campaign_upstream_refusals_total", "reason=\"capacity\"")).isPositive();
          assertThat(Scrape.value(scrape, "campaign_upstream_pool_waiting")).isZero();
          assertThat(Scrape.value(scrape, "campaign_upstream_calls_total", "upstream=\"only\"")).isEqualTo(2);
          vertx.close().onComplete(testContext.succeedingThenComplete());
        })));
  }

  @Test
  void aCallerWaitingForAConnectionIsServedWhenOneIsFree(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, (i, sim) -> openAi("only", sim, 1), json -> {
      TestService.with(json, "openai", "maxConnections", 1);
      return TestService.with(json, "openai", "queue", new JsonObject().put("poolWaitMs", 5000));
    })
        .compose(app -> {
          app.sim(0).setDefaultBehaviour(Behaviour.stream().withChunks(10).withChunkInterval(Duration.ofMillis(50)));
          Future<CallerResponse> one = app.caller.get("/campaign?prompt=One", "text/plain");
          return delay(vertx, 100).compose(v -> app.caller.get("/campaign?prompt=Two", "text/plain"))
              .compose(two -> one.map(first -> new Object[] {app, first, two}));
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          assertThat(((CallerResponse) result[1]).status).isEqualTo(200);
          assertThat(((CallerResponse) result[2]).status).isEqualTo(200);
          assertThat(app.sim(0).completedStreams()).isEqualTo(2);
          assertThat(app.sim(0).requests().get(1).receivedAtNanos())
              .as("the second call waited for the first to end").isGreaterThan(app.sim(0).requests().get(0)
                  .receivedAtNanos() + TimeUnit.MILLISECONDS.toNanos(300));
          testContext.completeNow();
        })));
  }

  /** A campaign of two pieces: sequences of requests that must fit in a rate-limit window or a circuit's reset. */
  private static final Behaviour SHORT = Behaviour.stream().withDeltas("Short", " campaign");

  private static void shortCampaigns(SeveralUpstreams app) {
    app.simulators.forEach(sim -> sim.setDefaultBehaviour(SHORT));
  }

  @Test
  void anHttp2UpstreamGetsItsStreamsOverHttp2(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, (i, sim) -> openAi("h2", sim, 1).put("http2", true), json -> json)
        .compose(app -> {
          List<Future<CallerResponse>> all = new ArrayList<>();
          for (int n = 0; n < 10; n++) {
            all.add(app.caller.get("/campaign?prompt=Brand" + n, "text/plain"));
          }
          return Future.all(all).map(done -> new Object[] {app, all});
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          SeveralUpstreams app = (SeveralUpstreams) result[0];
          @SuppressWarnings("unchecked")
          List<Future<CallerResponse>> all = (List<Future<CallerResponse>>) result[1];
          for (int n = 0; n < 10; n++) {
            assertThat(text(all.get(n).result())).isEqualTo(CampaignWriter.write("Brand" + n));
          }
          assertThat(app.sim(0).requests()).extracting(RecordedRequest::version).containsOnly("HTTP_2");
          testContext.completeNow();
        })));
  }

  /** A 429 is a limit, not an outage: a burst of them must not shut the upstream for the circuit's reset. */
  @Test
  void rateLimitsDoNotOpenTheCircuit(Vertx vertx, VertxTestContext testContext) {
    start(vertx, 1, (i, sim) -> openAi("only", sim, 1), json -> {
      json.getJsonObject("openai").put("retry", new JsonObject().put("maxAttempts", 1));
      return TestService.with(json, "openai", "circuit", new JsonObject().put("maxFailures", 2)
          .put("resetTimeoutMs", 60_000));
    })
        .compose(app -> {
          shortCampaigns(app);
          app.sim(0).enqueue(Behaviour.rateLimited(Duration.ofMillis(10)), Behaviour.rateLimited(Duration.ofMillis(10)),
              Behaviour.rateLimited(Duration.ofMillis(10)));
          return sequentially(app, List.of("A", "B", "C"))
              .compose(v -> delay(vertx, 50))
              .compose(v -> app.caller.get("/campaign?prompt=D", "text/plain"));
        })
        .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
          assertThat(after.status).isEqualTo(200);
          assertThat(after.body()).isEqualTo("Short campaign");
          testContext.completeNow();
        })));
  }

  /** Demo mode: the list is tried without a key, each upstream in its own shape at the one simulator. */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // the demo simulator is paced like a model
  void demoModePointsEveryUpstreamAtTheSimulatorInItsOwnShape(Vertx vertx, VertxTestContext testContext) {
    JsonObject json = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("instances", new JsonObject().put("http", 1).put("worker", 1))
        .put("cache", new JsonObject().put("enabled", false))
        .put("usage", new JsonObject().put("logFile", TestService.freshUsageLog().toString()))
        .put("demo", true)
        .put("openai", new JsonObject().put("upstreams", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("name", "openai-a").put("baseUrl", "https://api.openai.com/v1")
                .put("apiKeyEnv", "NOT_SET_IN_DEMO"))
            .add(new JsonObject().put("name", "azure-eu").put("type", "azure").put("apiVersion", "2024-10-21")
                .put("baseUrl", "https://example-eu.openai.azure.com/openai/deployments/gpt-4o-mini")
                .put("apiKeyEnv", "NOT_SET_EITHER"))));
    dev.campaignstream.CampaignService.start(vertx, dev.campaignstream.config.ConfigLoader.fromJson(json, name -> null))
        .compose(service -> {
          dev.campaignstream.support.Caller caller = new dev.campaignstream.support.Caller(vertx, service.httpPort());
          List<Future<CallerResponse>> all = new ArrayList<>();
          for (int n = 0; n < 16; n++) {
            all.add(caller.get("/campaign?prompt=Brand" + n, "text/plain"));
          }
          return Future.all(all).map(done -> new Object[] {service, all});
        })
        .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
          dev.campaignstream.CampaignService service = (dev.campaignstream.CampaignService) result[0];
          @SuppressWarnings("unchecked")
          List<Future<CallerResponse>> all = (List<Future<CallerResponse>>) result[1];
          assertThat(all).allSatisfy(seen -> assertThat(seen.result().status).isEqualTo(200));
          List<String> paths = service.simulator().requests().stream().map(RecordedRequest::path).distinct().toList();
          assertThat(paths).containsExactlyInAnyOrder("/v1/chat/completions",
              "/openai/deployments/gpt-4o-mini/chat/completions");
          testContext.completeNow();
        })));
  }

  private static List<String> brands(String prefix, int count) {
    List<String> brands = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      brands.add(prefix + n);
    }
    return brands;
  }

  private static Future<Void> sequentially(SeveralUpstreams app, List<String> brands) {
    Future<Void> done = Future.succeededFuture();
    for (String brand : brands) {
      done = done.compose(v -> app.caller.get("/campaign?prompt=" + brand, "text/plain").mapEmpty());
    }
    return done;
  }

  private static Future<Void> delay(Vertx vertx, long ms) {
    return Future.future(promise -> vertx.setTimer(ms, id -> promise.complete()));
  }

  static List<RecordedRequest> requests(OpenAiSimulator sim) {
    return sim.requests();
  }
}
