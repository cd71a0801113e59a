package dev.campaignstream.support;

import dev.campaignstream.CampaignService;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The service against several simulators, each a real server on loopback configured as one entry
 * of {@code openai.upstreams}, each with a key of its own read from a (test) environment.
 */
public final class SeveralUpstreams {

  public final List<OpenAiSimulator> simulators;
  public final CampaignService service;
  public final Caller caller;

  private SeveralUpstreams(List<OpenAiSimulator> simulators, CampaignService service, Caller caller) {
    this.simulators = simulators;
    this.service = service;
    this.caller = caller;
  }

  /** The key upstream {@code i} is given, through the variable {@code KEY_<i>}. */
  public static String keyOf(int i) {
    return "sk-upstream-" + i + "-SECRET";
  }

  /**
   * @param count    simulators to start
   * @param entry    upstream {@code i}'s entry, given its simulator; its apiKeyEnv is {@code KEY_<i>} unless set
   * @param configure further changes to the test configuration
   */
  public static Future<SeveralUpstreams> start(Vertx vertx, int count,
      BiFunction<Integer, OpenAiSimulator, JsonObject> entry, UnaryOperator<JsonObject> configure) {
    List<OpenAiSimulator> simulators = new ArrayList<>();
    Future<Void> started = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      started = started.compose(v -> OpenAiSimulator.start(vertx, SimulatorOptions.forTests()).map(sim -> {
        simulators.add(sim);
        return null;
      }));
    }
    return started.compose(v -> {
      JsonArray upstreams = new JsonArray();
      Map<String, String> environment = new java.util.HashMap<>();
      for (int i = 0; i < count; i++) {
        JsonObject upstream = entry.apply(i, simulators.get(i));
        if (!upstream.containsKey("apiKeyEnv")) {
          upstream.put("apiKeyEnv", "KEY_" + i);
        }
        environment.put("KEY_" + i, keyOf(i));
        upstreams.add(upstream);
      }
      JsonObject json = configure.apply(TestService.testConfig());
      json.getJsonObject("openai").put("upstreams", upstreams);
      return CampaignService.start(vertx, ConfigLoader.fromJson(json, environment::get))
          .map(service -> new SeveralUpstreams(simulators, service, new Caller(vertx, service.httpPort())));
    });
  }

  /** An OpenAI-shaped entry named {@code name} for {@code sim}, with {@code weight}. */
  public static JsonObject openAi(String name, OpenAiSimulator sim, int weight) {
    return new JsonObject().put("name", name).put("baseUrl", sim.baseUrl()).put("weight", weight);
  }

  public OpenAiSimulator sim(int i) {
    return simulators.get(i);
  }
}
