package dev.campaignstream.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each key's limits as a caller with a real {@code Authorization: Bearer} key sees them, over a real
 * socket: the 429 and its fields for each limit, the tokens charged from OpenAI's usage or
 * estimated, what a cache hit and a shared stream cost, and the usage log's lines.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class KeyLimitsTest {

  static final String ACME = "cs_acme-key-0123456789abcdefghijklmnopqrstuv";
  static final String BETA = "cs_beta-key-0123456789abcdefghijklmnopqrstuv";

  @TempDir
  Path dir;

  private Future<TestService> start(Vertx vertx, String acmeLimit, String betaLimit) throws IOException {
    Path file = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry("acme-web", ACME, acmeLimit),
        KeysFiles.entry("beta-app", BETA, betaLimit));
    return TestService.start(vertx, json -> KeysFiles.withKeys(json, file));
  }

  static Future<CallerResponse> get(TestService app, String key, String brand) {
    return get(app, key, brand, response -> { });
  }

  static Future<CallerResponse> get(TestService app, String key, String brand, Consumer<HttpClientResponse> then) {
    return app.caller.request(HttpMethod.GET, "/campaign?prompt=" + brand,
        Map.of("Authorization", "Bearer " + key, "Accept", "application/json"), then);
  }

  static List<JsonObject> usageLines(TestService app) {
    try {
      Path file = Path.of(app.service.config().usageLogFile());
      return Files.isRegularFile(file) ? Files.readAllLines(file).stream().map(JsonObject::new).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void overRequestsPerMinuteA429NamesTheLimitAndWhenItFrees(Vertx vertx, VertxTestContext testContext)
      throws IOException {
    start(vertx, "requestsPerMinute: 2", "requestsPerMinute: 5").compose(app -> get(app, ACME, "One")
        .compose(first -> get(app, ACME, "Two").compose(second -> get(app, ACME, "Three")
            .compose(third -> get(app, BETA, "Four").map(other -> {
              testContext.verify(() -> {
                assertThat(first.status).isEqualTo(200);
                assertThat(first.header("RateLimit-Policy")).isEqualTo("\"requestsPerMinute\";q=2;w=60");
                assertThat(first.header("RateLimit")).isEqualTo("\"requestsPerMinute\";r=1;t=60");
                assertThat(second.header("RateLimit")).startsWith("\"requestsPerMinute\";r=0;t=");
                assertThat(third.status).isEqualTo(429);
                assertThat(third.header("Content-Type")).isEqualTo("application/problem+json");
                long retryAfter = Long.parseLong(third.header("Retry-After"));
                assertThat(retryAfter).isBetween(1L, 60L);
                assertThat(third.header("RateLimit-Policy")).isEqualTo("\"requestsPerMinute\";q=2;w=60");
                assertThat(third.header("RateLimit")).isEqualTo("\"requestsPerMinute\";r=0;t=" + retryAfter);
                JsonObject problem = third.json();
                assertThat(problem.getString("limit")).isEqualTo("requestsPerMinute");
                assertThat(problem.getLong("retryAfterSeconds")).isEqualTo(retryAfter);
                assertThat(Instant.parse(problem.getString("freesAt")))
                    .isBetween(Instant.now().plusSeconds(retryAfter - 2), Instant.now().plusSeconds(retryAfter + 1));
                assertThat(problem.getString("detail")).contains("acme-web").contains("requestsPerMinute")
                    .doesNotContain(ACME);
                // Another key's minute is its own; the refused request called nothing.
                assertThat(other.status).isEqualTo(200);
                assertThat(app.upstream.requests()).hasSize(3);
                assertThat(usageLines(app)).filteredOn(line -> "rejected".equals(line.getString("outcome")))
                    .singleElement().satisfies(line -> {
                      assertThat(line.getString("key")).isEqualTo("acme-web");
                      assertThat(line.getString("error")).isEqualTo("requestsPerMinute");
                      assertThat(line.getLong("prompt_tokens")).isZero();
                    });
              });
              return other;
            }))))).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aStreamHoldsItsSlotUntilItEndsThenFreesIt(Vertx vertx, VertxTestContext testContext) throws IOException {
    start(vertx, "concurrentStreams: 1", "concurrentStreams: 1").compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas("slow", " one").withFirstTokenDelay(Duration.ofMillis(600)));
      Future<CallerResponse> open = get(app, ACME, "Slow");
      return Eventually.await(vertx, "the first stream reached upstream", 5_000, () -> app.upstream.requests().size() == 1)
          .compose(v -> get(app, ACME, "Other"))
          .compose(refused -> open.compose(first -> get(app, ACME, "Again").map(again -> {
            testContext.verify(() -> {
              assertThat(refused.status).isEqualTo(429);
              assertThat(refused.header("Retry-After")).isEqualTo("1");
              assertThat(refused.header("RateLimit-Policy"))
                  .isEqualTo("\"concurrentStreams\";q=1;qu=\"concurrent-requests\"");
              assertThat(refused.header("RateLimit")).isEqualTo("\"concurrentStreams\";r=0");
              assertThat(refused.json().getString("limit")).isEqualTo("concurrentStreams");
              assertThat(first.status).isEqualTo(200);
              assertThat(first.json().getString("campaign")).isEqualTo("slow one");
              assertThat(again.status).isEqualTo(200);
            });
            return again;
          })));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void tokensAreChargedFromOpenAisUsageAndTheSpentBudgetRefusesUntilMidnight(Vertx vertx,
      VertxTestContext testContext) throws IOException {
    start(vertx, "tokensPerDay: 10", "tokensPerDay: 100000").compose(app -> get(app, ACME, "Acme")
        .compose(first -> get(app, ACME, "Other").map(refused -> {
          testContext.verify(() -> {
            assertThat(first.status).isEqualTo(200);
            JsonObject usage = first.json().getJsonObject("usage");
            // The one request admitted with tokens left runs to its end, past the budget.
            assertThat(usage.getLong("total_tokens")).isGreaterThan(10);
            assertThat(first.header("RateLimit")).startsWith("\"tokensPerDay\";r=10;t=");
            assertThat(Long.parseLong(first.header("RateLimit").split("t=")[1])).isCloseTo(secondsToMidnight(),
                Offset.offset(2L));
            assertThat(refused.status).isEqualTo(429);
            assertThat(refused.json().getString("limit")).isEqualTo("tokensPerDay");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isCloseTo(secondsToMidnight(),
                Offset.offset(2L));
            assertThat(refused.header("RateLimit")).startsWith("\"tokensPerDay\";r=0;t=");
            assertThat(usageLines(app)).filteredOn(line -> "completed".equals(line.getString("outcome")))
                .singleElement().satisfies(line -> {
                  assertThat(line.getString("key")).isEqualTo("acme-web");
                  assertThat(line.getString("request_id")).isEqualTo(first.header("X-Request-Id"));
                  assertThat(line.getString("model")).isEqualTo("gpt-test");
                  assertThat(line.getString("upstream")).isEqualTo("openai");
                  assertThat(line.getLong("prompt_tokens")).isEqualTo(usage.getLong("prompt_tokens"));
                  assertThat(line.getLong("completion_tokens")).isEqualTo(usage.getLong("completion_tokens"));
                  assertThat(line.getBoolean("estimated")).isFalse();
                  assertThat(line.getString("cache")).isEqualTo("miss");
                  assertThat(Instant.parse(line.getString("time"))).isBefore(Instant.now().plusSeconds(1));
                });
          });
          return refused;
        }))).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aStreamCancelledBeforeTheUsageIsChargedAnEstimateOfWhatWasWritten(Vertx vertx,
      VertxTestContext testContext) throws IOException {
    start(vertx, "tokensPerDay: 100000", "tokensPerDay: 100000").compose(app -> {
      app.upstream.enqueue(Behaviour.stallAfter(2).withDeltas("abcd", "efgh", "ijkl"));
      // The caller leaves once it has read both pieces, so both reached the service before the cancel.
      StringBuilder read = new StringBuilder();
      return get(app, ACME, "Acme", response -> response.handler(piece -> {
        if (read.append(piece.toString()).indexOf("efgh") >= 0) {
          response.request().connection().close();
        }
      }))
          .compose(cut -> Eventually.await(vertx, "the usage line of the cancelled request", 5_000,
              () -> !usageLines(app).isEmpty()).map(v -> {
                testContext.verify(() -> assertThat(usageLines(app)).singleElement().satisfies(line -> {
                  assertThat(line.getString("outcome")).isEqualTo("cancelled");
                  assertThat(line.getBoolean("estimated")).isTrue();
                  // Two pieces of four characters reached the service: 8 / 4 tokens.
                  assertThat(line.getLong("completion_tokens")).isEqualTo(2);
                  assertThat(line.getLong("prompt_tokens")).isEqualTo(TokenUse.promptEstimate("Acme"));
                }));
                return cut;
              }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aSharedStreamIsChargedOnceToTheKeyThatStartedItAndACacheHitIsFree(Vertx vertx,
      VertxTestContext testContext) throws IOException {
    start(vertx, "tokensPerDay: 10", "tokensPerDay: 10").compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas("shared", " text").withFirstTokenDelay(Duration.ofMillis(500)));
      Future<CallerResponse> starter = get(app, ACME, "Acme");
      return Eventually.await(vertx, "the stream reached upstream", 5_000, () -> app.upstream.requests().size() == 1)
          .compose(v -> get(app, BETA, "Acme"))
          .compose(joined -> starter.compose(started -> get(app, BETA, "ACME").compose(hit -> get(app, BETA, "Beta")
              .compose(betaStillHasItsBudget -> get(app, ACME, "Other").map(acmeSpent -> {
                testContext.verify(() -> {
                  assertThat(started.header("X-Campaign-Cache")).isEqualTo("miss");
                  assertThat(joined.header("X-Campaign-Cache")).isEqualTo("shared");
                  assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
                  assertThat(joined.json().getString("campaign")).isEqualTo("shared text");
                  // Beta joined and hit, which cost it nothing: its budget is whole.
                  assertThat(betaStillHasItsBudget.status).isEqualTo(200);
                  assertThat(acmeSpent.status).isEqualTo(429);
                  assertThat(app.upstream.requests()).hasSize(2);
                  List<JsonObject> lines = usageLines(app);
                  assertThat(lines).filteredOn(line -> "beta-app".equals(line.getString("key"))
                      && !"miss".equals(line.getString("cache"))).hasSize(2).allSatisfy(line -> {
                        assertThat(line.getLong("prompt_tokens")).isZero();
                        assertThat(line.getLong("completion_tokens")).isZero();
                      });
                  assertThat(lines).filteredOn(line -> "acme-web".equals(line.getString("key"))
                      && "miss".equals(line.getString("cache"))).singleElement()
                      .satisfies(line -> assertThat(line.getLong("prompt_tokens") + line.getLong("completion_tokens"))
                          .isEqualTo(started.json().getJsonObject("usage").getLong("total_tokens")));
                });
                return acmeSpent;
              })))));
    }).onComplete(testContext.succeedingThenComplete());
  }

  private static long secondsToMidnight() {
    long now = System.currentTimeMillis();
    return (86_400_000L - Math.floorMod(now, 86_400_000L) + 999) / 1000;
  }
}
