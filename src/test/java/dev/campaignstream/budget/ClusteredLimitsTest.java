package dev.campaignstream.budget;

import dev.campaignstream.trace.Tracing;
import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.CampaignService;
import dev.campaignstream.ClusteredVertx;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two HTTP nodes clustered with Hazelcast in one JVM, each with its own Vert.x, the same keys file
 * and the same upstream: a key's minute and its day's tokens are the cluster's, whichever node the
 * caller reaches.
 */
@ExtendWith(VertxExtension.class)
class ClusteredLimitsTest {

  private static final String ACME = "cs_acme-key-0123456789abcdefghijklmnopqrstuv";
  private static final String BETA = "cs_beta-key-0123456789abcdefghijklmnopqrstuv";

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void aKeysBudgetHoldsAcrossTwoClusteredHttpNodes(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path keys = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry("acme-web", ACME, "requestsPerMinute: 1"),
        KeysFiles.entry("beta-app", BETA, "tokensPerDay: 10"));
    String cluster = "limits-" + UUID.randomUUID();
    int port = JarProcess.freePort();
    OpenAiSimulator.start(vertx, SimulatorOptions.forTests()).compose(upstream ->
        node(upstream, keys, cluster, port, "one").compose(one -> node(upstream, keys, cluster, port, "two")
            .compose(two -> {
              Caller first = new Caller(vertx, one.httpPort());
              Caller second = new Caller(vertx, two.httpPort());
              return get(first, ACME, "One").compose(admitted -> get(second, ACME, "Two")
                  .compose(refused -> get(first, BETA, "Three")
                      .compose(spent -> refusedWithin(vertx, second, BETA, 10_000))
                      .map(betaRefused -> {
                        testContext.verify(() -> {
                          assertThat(admitted.status).isEqualTo(200);
                          assertThat(refused.status).isEqualTo(429);
                          assertThat(refused.json().getString("limit")).isEqualTo("requestsPerMinute");
                          assertThat(betaRefused.json().getString("limit")).isEqualTo("tokensPerDay");
                        });
                        return betaRefused;
                      })))
                  .eventually(() -> Future.join(one.vertx().close(), two.vertx().close()));
            })))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** A node of the cluster: its own clustered Vert.x and service, the HTTP front and a worker. */
  private static Future<Node> node(OpenAiSimulator upstream, Path keys, String cluster, int port, String name) {
    JsonObject json = KeysFiles.withKeys(TestService.testConfig(), keys);
    json.getJsonObject("openai").put("baseUrl", upstream.baseUrl());
    json.put("node", new JsonObject().put("name", name));
    json.put("cluster", new JsonObject().put("enabled", true).put("name", cluster).put("host", "127.0.0.1")
        .put("port", port).put("members", "127.0.0.1:" + port));
    AppConfig config = ConfigLoader.fromJson(json);
    return ClusteredVertx.start(config.cluster(), config.cache(), Tracing.OFF)
        .compose(clustered -> CampaignService.start(clustered, config).map(service -> new Node(clustered, service)));
  }

  private record Node(Vertx vertx, CampaignService service) {
    int httpPort() {
      return service.httpPort();
    }
  }

  private static Future<CallerResponse> get(Caller caller, String key, String brand) {
    return caller.request(HttpMethod.GET, "/campaign?prompt=" + brand,
        Map.of("Authorization", "Bearer " + key, "Accept", "application/json"), response -> { });
  }

  /** The day's tokens are charged when the stream ends, asynchronously: asks until the other node refuses. */
  private static Future<CallerResponse> refusedWithin(Vertx vertx, Caller caller, String key, long withinMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
    return get(caller, key, "Later").compose(seen -> {
      if (seen.status == 429 || System.nanoTime() > deadline) {
        return Future.succeededFuture(seen);
      }
      return Eventually.sleep(vertx, 50).compose(v -> refusedWithin(vertx, caller, key, withinMs));
    });
  }
}
