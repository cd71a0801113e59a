package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code cluster.enabled}, campaigns live in the cluster manager's map {@code campaign.cache}
 * as plain JSON, with their TTL. Here the node's Vert.x is not clustered, so the map is Vert.x's
 * local one, behind the same interface; {@code ClusterIT} shares it across real nodes.
 */
@ExtendWith(VertxExtension.class)
class ClusterCampaignCacheTest {

  private static final String KEY = CampaignKey.of("Acme", "gpt-test");

  @Test
  void aCompletedCampaignGoesInTheSharedMapAndExpiresWithItsTtl(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> {
      TestService.with(json, "cluster", "enabled", true);
      return TestService.with(json, "cache", "ttlMs", 500);
    }).compose(app -> {
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas("Here", " it", " is"));
      return vertx.sharedData().<String, JsonObject>getAsyncMap(ClusterCampaignCache.MAP).compose(map -> app.caller
          .get("/campaign?prompt=Acme", "application/json")
          .compose(miss -> map.get(KEY).compose(stored -> app.caller.get("/campaign?prompt=ACME", "application/json")
              .map(hit -> {
                testContext.verify(() -> {
                  assertThat(stored).isEqualTo(new JsonObject()
                      .put("deltas", new JsonArray().add("Here").add(" it").add(" is"))
                      .put("finish_reason", "stop")
                      .put("usage", miss.json().getJsonObject("usage"))
                      .put("model", "gpt-test")
                      .put("simulated", false)
                      .put("upstream", "openai"));
                  assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
                  assertThat(hit.json().getString("campaign")).isEqualTo("Here it is");
                });
                return map;
              })))
          .compose(checked -> Eventually.sleep(vertx, 700).compose(v -> map.get(KEY)))
          .compose(expired -> app.caller.get("/campaign?prompt=Acme", "application/json").map(again -> {
            testContext.verify(() -> {
              assertThat(expired).isNull();
              assertThat(again.header("X-Campaign-Cache")).isEqualTo("miss");
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return again;
          })));
    }).onComplete(testContext.succeedingThenComplete());
  }

  /** What another node wrote into the map is a hit here, without calling OpenAI. */
  @Test
  void aCampaignAnotherNodePutInTheMapIsAHit(Vertx vertx, VertxTestContext testContext) {
    JsonObject written = new JsonObject()
        .put("deltas", new JsonArray().add("From").add(" elsewhere"))
        .put("finish_reason", "stop")
        .put("usage", new JsonObject().put("prompt_tokens", 31).put("completion_tokens", 2).put("total_tokens", 33))
        .put("model", "gpt-test")
        .put("simulated", true);
    TestService.start(vertx, json -> TestService.with(json, "cluster", "enabled", true))
        .compose(app -> vertx.sharedData().<String, JsonObject>getAsyncMap(ClusterCampaignCache.MAP)
            .compose(map -> map.put(KEY, written, 60_000))
            .compose(v -> app.caller.get("/campaign?prompt=Acme", "text/event-stream"))
            .map(hit -> {
              testContext.verify(() -> {
                assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
                assertThat(hit.header("X-Campaign-Simulated")).isEqualTo("true");
                List<CallerResponse.Event> events = hit.events();
                assertThat(events).extracting(CallerResponse.Event::id).containsExactly("1", "2", null);
                assertThat(CoalescingTest.texts(events)).isEqualTo("From elsewhere");
                assertThat(events.get(2).data()).isEqualTo(new JsonObject().put("finish_reason", "stop")
                    .put("usage", written.getJsonObject("usage")).put("cached", true));
                assertThat(app.upstream.requests()).isEmpty();
              });
              return hit;
            }))
        .onComplete(testContext.succeedingThenComplete());
  }
}
