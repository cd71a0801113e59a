package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.vertx.junit5.Timeout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** How each OpenAI failure reaches the caller: the right status and words, never the key. */
@ExtendWith(VertxExtension.class)
class UpstreamFailuresTest {

  private static final List<String> DELTAS = List.of("One", " two", " three", " four", " five");

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(json, "openai", "firstTokenTimeoutMs", 500))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          testContext.completeNow();
        }));
  }

  private void expectProblem(VertxTestContext testContext, Behaviour upstream, String accept, int status,
      String detail, String retryAfter) {
    app.upstream.enqueue(upstream);
    app.caller.get("/campaign?prompt=Acme", accept).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(status);
      assertThat(seen.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(seen.header("Retry-After")).isEqualTo(retryAfter);
      JsonObject problem = seen.json();
      assertThat(problem.getInteger("status")).isEqualTo(status);
      assertThat(problem.getString("detail")).isEqualTo(detail);
      assertThat(seen.body()).doesNotContain(TestService.API_KEY).doesNotContain("sk-");
      testContext.completeNow();
    })));
  }

  @Test
  void rateLimitIs429WithOpenAisRetryAfter(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.rateLimited(Duration.ofMillis(20_500)), null, 429,
        "OpenAI is rate-limiting this service, try again in 21 seconds", "21");
  }

  /** A wait no caller should be told: clamped to the ceiling before it is used or passed on. */
  @Test
  void anAbsurdRetryAfterIsClamped(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.status(429,
        Behaviour.error("Rate limit reached", "requests", null, "rate_limit_exceeded"),
        Map.of("retry-after", "99999999999999999999")), null, 429,
        "OpenAI is rate-limiting this service, try again in 60 seconds", "60");
  }

  @Test
  void insufficientQuotaIs502ForTheOperator(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.insufficientQuota(), "application/json", 502,
        "OpenAI refused the request: the service's OpenAI account has no quota left; the operator must check its plan and billing",
        null);
  }

  @Test
  void rejectedKeyIs502AndNeverShowsTheKey(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.invalidApiKey(), "text/event-stream", 502,
        "OpenAI rejected the service's API key (HTTP 401, invalid_api_key); the operator must check OPENAI_API_KEY",
        null);
  }

  @Test
  void rejectedRequestIs502(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.badRequest("The model `gpt-test` does not exist"), null, 502,
        "OpenAI rejected the service's request (HTTP 400); the operator must check OPENAI_MODEL and OPENAI_BASE_URL",
        null);
  }

  @Test
  void serverErrorIsTheOriginals503(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.serverError(), null, 503, "OpenAI server is busy, try again later", null);
  }

  @Test
  void overloadedIs503(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.unavailable(), "application/json", 503,
        "OpenAI server is busy, try again later", null);
  }

  @Test
  void noFirstTokenInTimeIs504(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.hang(), null, 504,
        "OpenAI did not send a first token within 500 ms, try again later", null);
  }

  @Test
  void aCutBeforeAnyTextIs503(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.cutAfter(0), null, 503, "OpenAI server is busy, try again later", null);
  }

  @Test
  void unreachableOpenAiIs503(Vertx vertx, VertxTestContext testContext) {
    app.upstream.close()
        .compose(closed -> app.caller.get("/campaign?prompt=Acme", null))
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(503);
          assertThat(seen.json().getString("detail")).isEqualTo("OpenAI server is busy, try again later");
          testContext.completeNow();
        })));
  }

  @Test
  void slowFirstTokenWithinTheTimeoutIsFine(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.slowFirstByte(Duration.ofMillis(250)).withDeltas(DELTAS));
    app.caller.get("/campaign?prompt=Acme", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.body()).isEqualTo(String.join("", DELTAS));
      testContext.completeNow();
    })));
  }

  @Test
  void plainTextCutMidStreamIsATruncatedTransferNeverACleanEnd(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.cutAfter(3).withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(10)));
    app.caller.get("/campaign?prompt=Acme", "text/plain").onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.body()).isEqualTo("One two three");
      assertThat(seen.endedCleanly).isFalse();
      assertThat(seen.failure).isNotNull();
      testContext.completeNow();
    })));
  }

  @Test
  void eventStreamCutMidStreamEndsWithAnErrorEvent(VertxTestContext testContext) {
    expectErrorEvent(testContext, Behaviour.cutAfter(3), 502,
        "OpenAI's stream broke off before the campaign was finished, try again");
  }

  @Test
  void errorPayloadMidStreamEndsWithAnErrorEvent(VertxTestContext testContext) {
    expectErrorEvent(testContext, Behaviour.errorAfter(3, Behaviour.error("boom sk-leaked", "server_error", null, null)
        .getJsonObject("error")), 502,
        "OpenAI reported an error in the middle of the stream (server_error); the campaign is incomplete, try again");
  }

  @Test
  void malformedChunkEndsWithAnErrorEvent(VertxTestContext testContext) {
    expectErrorEvent(testContext, Behaviour.malformedAfter(3), 502,
        "OpenAI sent a stream this service cannot read, try again");
  }

  @Test
  void aStreamThatGoesQuietEndsWithAnErrorEvent(VertxTestContext testContext) {
    expectErrorEvent(testContext, Behaviour.stallAfter(3), 504,
        "OpenAI's stream went quiet for 2000 ms; the campaign is incomplete, try again");
  }

  /** Comments every 200 ms say nothing: after the last text, the idle timeout still counts. */
  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  void onlyKeepAliveCommentsAfterTextEndWithTheIdleTimeout(VertxTestContext testContext) {
    expectErrorEvent(testContext, Behaviour.keepAliveOnlyAfter(3, Duration.ofMillis(200)), 504,
        "OpenAI's stream went quiet for 2000 ms; the campaign is incomplete, try again");
  }

  /** A 200 that is no event stream (a wrong base URL, a proxy's page) is the operator's to mend, not "busy". */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "text/html; charset=utf-8|<html><body>Welcome to nginx!</body></html>",
      "application/json|{\"id\":\"chatcmpl-1\",\"choices\":[]}",
      "text/event-stream|''",
  })
  void aTwoHundredThatIsNoEventStreamIs502(String contentType, String body, VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.notEventStream(contentType, body), null, 502,
        "OpenAI answered without an event stream; the operator must check OPENAI_BASE_URL", null);
  }

  private void expectErrorEvent(VertxTestContext testContext, Behaviour upstream, int status, String detail) {
    app.upstream.enqueue(upstream.withDeltas(DELTAS));
    app.caller.get("/campaign?prompt=Acme", "text/event-stream")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          List<Event> events = seen.events();
          assertThat(events).extracting(Event::type).containsExactly("message", "message", "message", "error");
          assertThat(events.subList(0, 3)).extracting(event -> event.data().getString("text"))
              .containsExactly("One", " two", " three");
          assertThat(events.get(3).data()).isEqualTo(new JsonObject().put("status", status).put("detail", detail));
          assertThat(seen.body()).doesNotContain("sk-");
          testContext.completeNow();
        })));
  }

  @Test
  void theOptionalTotalCapEndsALongStreamWithAnErrorEvent(Vertx vertx, VertxTestContext testContext) {
    // Workers on one event bus share the work: only the capped node's may take this stream.
    app.service.stopWorkers()
        .compose(v -> TestService.start(vertx, json -> TestService.with(json, "openai", "totalTimeoutMs", 400)))
        .compose(capped -> {
          capped.upstream.enqueue(Behaviour.stream().withChunks(1_000).withChunkInterval(Duration.ofMillis(10)));
          return capped.caller.get("/campaign?prompt=Acme", "text/event-stream");
        })
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          List<Event> events = seen.events();
          assertThat(events.size()).isGreaterThan(5);
          assertThat(events.get(events.size() - 1).data()).isEqualTo(new JsonObject().put("status", 504)
              .put("detail", "The campaign took longer than this service's limit of 400 ms"));
          testContext.completeNow();
        })));
  }

  /** Cut after text, the JSON document is left unterminated instead (see StreamedJsonTest). */
  @Test
  void jsonCutBeforeAnyTextIsAProblem(VertxTestContext testContext) {
    expectProblem(testContext, Behaviour.cutAfter(0).withDeltas(DELTAS), "application/json", 503,
        "OpenAI server is busy, try again later", null);
  }

  @Test
  void unknownPathAndWrongMethodAreProblemsToo(VertxTestContext testContext) {
    app.caller.get("/nope", null)
        .compose(notFound -> app.caller.request(HttpMethod.POST, "/campaign?prompt=Acme", Map.of(), r -> { })
            .map(wrongMethod -> List.of(notFound, wrongMethod)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          CallerResponse notFound = both.get(0);
          assertThat(notFound.status).isEqualTo(404);
          assertThat(notFound.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(notFound.json().getString("detail")).isEqualTo("No resource at /nope");
          CallerResponse wrongMethod = both.get(1);
          assertThat(wrongMethod.status).isEqualTo(405);
          assertThat(wrongMethod.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(wrongMethod.json().getString("detail")).isEqualTo("Method POST is not allowed on /campaign");
          testContext.completeNow();
        })));
  }
}
