package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.RecordedRequest;
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
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /campaign in each representation, end to end over real sockets. */
@ExtendWith(VertxExtension.class)
class CampaignRepresentationsTest {

  private static final List<String> DELTAS = List.of("Campaign", ":", " Café", " 漢字", " 🚀", " launch", "!");
  private static final String TEXT = String.join("", DELTAS);

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(20)));
      testContext.completeNow();
    }));
  }

  @Test
  void plainTextIsTheDefaultAndFlowsChunkByChunk(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(seen.header("X-Request-Id")).isNotBlank();
      assertThat(seen.header("X-Campaign-Simulated")).isNull();
      assertThat(seen.endedCleanly).isTrue();
      assertThat(seen.body()).isEqualTo(TEXT);
      // 20 ms apart upstream, so each delta reaches the caller as a read of its own.
      assertThat(seen.reads).extracting(buffer -> buffer.toString("UTF-8")).containsExactlyElementsOf(DELTAS);
      testContext.completeNow();
    })));
  }

  @Test
  void starSlashStarAndTextStarMeanPlainText(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", "*/*")
        .compose(any -> app.caller.get("/campaign?prompt=Acme", "text/*").map(text -> List.of(any, text)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          for (CallerResponse seen : both) {
            assertThat(seen.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(seen.body()).isEqualTo(TEXT);
          }
          testContext.completeNow();
        })));
  }

  @Test
  void eventStreamHasOneNumberedEventPerDeltaThenDone(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", "text/event-stream")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
          assertThat(seen.header("Cache-Control")).isEqualTo("no-cache");
          List<Event> events = seen.events();
          assertThat(events).hasSize(DELTAS.size() + 1);
          for (int i = 0; i < DELTAS.size(); i++) {
            assertThat(events.get(i).id()).isEqualTo(Integer.toString(i + 1));
            assertThat(events.get(i).type()).isEqualTo("message");
            assertThat(events.get(i).data()).isEqualTo(new JsonObject().put("text", DELTAS.get(i)));
          }
          Event done = events.get(DELTAS.size());
          assertThat(done.type()).isEqualTo("done");
          assertThat(done.data().getString("finish_reason")).isEqualTo("stop");
          assertThat(done.data().getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(DELTAS.size());
          assertThat(seen.endedCleanly).isTrue();
          testContext.completeNow();
        })));
  }

  @Test
  void jsonIsOneDocumentWithTheWholeCampaign(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme%20Caf%C3%A9", "application/json")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.header("Content-Type")).isEqualTo("application/json");
          JsonObject body = seen.json();
          assertThat(body.getString("prompt")).isEqualTo("Acme Café");
          assertThat(body.getString("campaign")).isEqualTo(TEXT);
          assertThat(body.getString("model")).isEqualTo("gpt-test");
          assertThat(body.getString("finish_reason")).isEqualTo("stop");
          assertThat(body.getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(DELTAS.size());
          testContext.completeNow();
        })));
  }

  @Test
  void acceptIsNegotiatedByQuality(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", "text/plain;q=0.2, application/json;q=0.5, text/event-stream")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.header("Content-Type")).startsWith("text/event-stream");
          testContext.completeNow();
        })));
  }

  @Test
  void ndjsonIsChosenByNameAndApplicationStarMeansJson(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", "application/x-ndjson;q=0.9, application/json;q=0.1")
        .compose(named -> app.caller.get("/campaign?prompt=Acme", "application/*").map(any -> List.of(named, any)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          assertThat(both.get(0).header("Content-Type")).isEqualTo("application/x-ndjson");
          assertThat(both.get(0).body().lines().findFirst().map(JsonObject::new).orElseThrow())
              .isEqualTo(new JsonObject().put("text", DELTAS.get(0)));
          assertThat(both.get(1).header("Content-Type")).isEqualTo("application/json");
          assertThat(both.get(1).json().getString("campaign")).isEqualTo(TEXT);
          testContext.completeNow();
        })));
  }

  @Test
  void unsupportedAcceptIs406WithoutCallingOpenAi(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", "image/png")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(406);
          assertThat(seen.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(seen.json().getString("detail")).isEqualTo("Cannot produce image/png; acceptable: "
              + "text/plain, text/event-stream, application/json, application/x-ndjson");
          assertThat(app.upstream.requests()).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void openAiIsAskedWithTheSystemPromptTheBrandAndStreaming(VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=Acme", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(app.upstream.requests()).hasSize(1);
      RecordedRequest call = app.upstream.requests().get(0);
      assertThat(call.method()).isEqualTo("POST");
      assertThat(call.path()).isEqualTo("/v1/chat/completions");
      assertThat(call.headers().get("Authorization")).isEqualTo("Bearer " + TestService.API_KEY);
      assertThat(call.headers().get("X-Client-Request-Id")).isEqualTo(seen.header("X-Request-Id"));
      assertThat(call.headers().get("Accept")).isEqualTo("text/event-stream");
      assertThat(call.headers().getAll("Accept-Encoding")).containsExactly("identity");
      assertThat(call.body()).isEqualTo(new JsonObject("""
          {"model": "gpt-test", "stream": true, "stream_options": {"include_usage": true},
           "messages": [
             {"role": "system", "content": "You are an expert creative marketer. Create a campaign for the brand the user enters."},
             {"role": "user", "content": "Acme"}]}
          """));
      testContext.completeNow();
    })));
  }

  @Test
  void callersRequestIdIsKeptWhenSaneAndReplacedWhenNot(VertxTestContext testContext) {
    app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme", Map.of("X-Request-Id", "trace-42.a_b"), r -> { })
        .compose(sane -> app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme",
            Map.of("X-Request-Id", "bad id <script>"), r -> { }).map(insane -> List.of(sane, insane)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          assertThat(both.get(0).header("X-Request-Id")).isEqualTo("trace-42.a_b");
          assertThat(app.upstream.requests().get(0).headers().get("X-Client-Request-Id")).isEqualTo("trace-42.a_b");
          assertThat(both.get(1).header("X-Request-Id")).matches("[0-9a-f-]{36}");
          testContext.completeNow();
        })));
  }
}
