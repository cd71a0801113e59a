package dev.campaignstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.simulator.CampaignWriter;
import dev.campaignstream.simulator.RecordedRequest;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Demo mode: no OpenAI key, the built-in simulator writes the campaigns, paced like a model,
 * and every representation says it is simulated.
 */
@ExtendWith(VertxExtension.class)
class DemoModeTest {

  private static final String BRAND = "Acme Coffee";
  private static final String URI = "/campaign?prompt=Acme%20Coffee";

  private CampaignService service;
  private Caller caller;

  private static JsonObject demoConfig(boolean cache) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("instances", new JsonObject().put("http", 1).put("worker", 1))
        .put("cache", new JsonObject().put("enabled", cache))
        .put("demo", true);
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    // Without the cache: each representation below must be written by the simulator itself.
    AppConfig config = ConfigLoader.fromJson(demoConfig(false));
    testContext.verify(() -> {
      assertThat(config.demo()).isTrue();
      assertThat(config.openai().upstreams()).allMatch(upstream -> !upstream.hasApiKey());
    });
    CampaignService.start(vertx, config).onComplete(testContext.succeeding(started -> {
      service = started;
      caller = new Caller(vertx, started.httpPort());
      testContext.completeNow();
    }));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // the simulator is paced like a model: several seconds a campaign
  void campaignIsWrittenBySimulatorAndSaysSo(VertxTestContext testContext) {
    String expected = CampaignWriter.write(BRAND);
    Future<CallerResponse> plain = caller.get(URI, null);
    Future<CallerResponse> events = caller.get(URI, "text/event-stream");
    Future<CallerResponse> json = caller.get(URI, "application/json");
    Future.all(plain, events, json).onComplete(testContext.succeeding(both -> testContext.verify(() -> {
      CallerResponse text = plain.result();
      assertThat(text.status).as(text.body()).isEqualTo(200);
      assertThat(text.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(text.header("X-Campaign-Simulated")).isEqualTo("true");
      assertThat(text.endedCleanly).isTrue();
      assertThat(text.body()).isEqualTo(expected).contains(BRAND);
      assertThat(words(text.body())).isGreaterThanOrEqualTo(200);

      CallerResponse sse = events.result();
      assertThat(sse.status).as(sse.body()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
      assertThat(sse.header("X-Campaign-Simulated")).isEqualTo("true");
      List<Event> received = sse.events();
      assertThat(received).last().extracting(Event::type).isEqualTo("done");
      assertThat(received.get(received.size() - 1).data().getString("finish_reason")).isEqualTo("stop");
      List<Event> pieces = received.subList(0, received.size() - 1);
      assertThat(pieces).extracting(Event::type).containsOnly("message");
      String joined = pieces.stream().map(event -> event.data().getString("text")).collect(Collectors.joining());
      assertThat(joined).isEqualTo(expected);

      CallerResponse whole = json.result();
      assertThat(whole.status).as(whole.body()).isEqualTo(200);
      assertThat(whole.header("Content-Type")).isEqualTo("application/json");
      assertThat(whole.header("X-Campaign-Simulated")).isEqualTo("true");
      assertThat(whole.json().getString("prompt")).isEqualTo(BRAND);
      assertThat(whole.json().getString("campaign")).isEqualTo(expected);
      assertThat(whole.json().getString("finish_reason")).isEqualTo("stop");

      assertThat(service.simulator()).isNotNull();
      assertThat(service.config().openai().upstreams().get(0).baseUrl()).isEqualTo(service.simulator().baseUrl());
      List<RecordedRequest> requests = service.simulator().requests();
      assertThat(requests).hasSize(3);
      for (RecordedRequest request : requests) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().contains("Authorization")).as(request.headers().toString()).isFalse();
        assertThat(request.lastUserMessage()).isEqualTo(BRAND);
      }
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aCachedDemoCampaignStillSaysItIsSimulated(Vertx vertx, VertxTestContext testContext) {
    String expected = CampaignWriter.write(BRAND);
    service.stopWorkers()
        .compose(v -> CampaignService.start(vertx, ConfigLoader.fromJson(demoConfig(true))))
        .compose(cached -> {
          Caller callerOfCached = new Caller(vertx, cached.httpPort());
          return callerOfCached.get(URI, "application/json")
              .compose(miss -> callerOfCached.get(URI, "application/json").map(hit -> {
                testContext.verify(() -> {
                  assertThat(miss.header("X-Campaign-Cache")).isEqualTo("miss");
                  assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
                  assertThat(hit.header("X-Campaign-Simulated")).isEqualTo("true");
                  assertThat(hit.json()).isEqualTo(miss.json());
                  assertThat(hit.json().getString("campaign")).isEqualTo(expected);
                  assertThat(cached.simulator().requests()).hasSize(1);
                });
                return hit;
              }));
        })
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void echoWorksWithoutKeyToo(VertxTestContext testContext) {
    caller.get("/echo?input_value=hi", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.body()).isEqualTo("\"hi\"");
      assertThat(service.simulator().requests()).isEmpty();
      testContext.completeNow();
    })));
  }

  private static long words(String text) {
    return Arrays.stream(text.split("\\s+")).filter(word -> word.codePoints().anyMatch(Character::isLetterOrDigit))
        .count();
  }
}
