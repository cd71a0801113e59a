package dev.campaignstream.support;

import dev.campaignstream.CampaignService;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The service under test, wired as in production, against the fake OpenAI on loopback.
 * Configuration starts from the same defaults the jar uses, with short timeouts for tests.
 */
public final class TestService {

  public static final String API_KEY = "sk-test-0123456789abcdefSECRET";

  public final OpenAiSimulator upstream;
  public final CampaignService service;
  public final Caller caller;

  private TestService(OpenAiSimulator upstream, CampaignService service, Caller caller) {
    this.upstream = upstream;
    this.service = service;
    this.caller = caller;
  }

  /** Defaults for tests: one instance of each verticle, port 0, quick timeouts, no retry waits. */
  public static JsonObject testConfig() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("instances", new JsonObject().put("http", 1).put("worker", 1))
        .put("openai", new JsonObject()
            .put("apiKey", API_KEY)
            .put("model", "gpt-test")
            .put("connectTimeoutMs", 1000)
            .put("firstTokenTimeoutMs", 2000)
            .put("idleTimeoutMs", 2000)
            .put("retry", new JsonObject().put("maxAttempts", 1)))
        .put("stream", new JsonObject().put("heartbeatMs", 200).put("livenessTimeoutMs", 1000))
        // Open, as most tests need; the caller key tests give a keys file.
        .put("auth", new JsonObject().put("mode", "none"))
        .put("usage", new JsonObject().put("logFile", freshUsageLog().toString()));
  }

  /** A usage log of its own for each service a test starts, under target/, never in the work tree. */
  public static Path freshUsageLog() {
    return Path.of("target", "usage-logs", UUID.randomUUID() + ".jsonl");
  }

  public static Future<TestService> start(Vertx vertx) {
    return start(vertx, json -> json);
  }

  /** Starts the fake upstream, then the service pointed at it, with the given configuration changes. */
  public static Future<TestService> start(Vertx vertx, UnaryOperator<JsonObject> configure) {
    return OpenAiSimulator.start(vertx, SimulatorOptions.forTests()).compose(upstream -> {
      JsonObject json = configure.apply(testConfig());
      json.getJsonObject("openai").put("baseUrl", upstream.baseUrl());
      AppConfig config = ConfigLoader.fromJson(json);
      return CampaignService.start(vertx, config)
          .map(service -> new TestService(upstream, service, new Caller(vertx, service.httpPort())));
    });
  }

  /**
   * Like {@link #start(Vertx, UnaryOperator)}, with every verticle on several instances (as
   * production runs one per core): {@value #SPREAD} HTTP and {@value #SPREAD} worker instances on
   * event loops of their own, so that one campaign's callers, the instance that feeds it and its
   * worker run on different threads. On a fixed free port: with port 0, Vert.x would give each HTTP
   * instance a port of its own, and callers would reach only one of them.
   */
  public static Future<TestService> startSpread(Vertx vertx, UnaryOperator<JsonObject> configure) {
    int port;
    try {
      port = JarProcess.freePort();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return start(vertx, json -> configure.apply(with(json, "http", "port", port).put("instances",
        new JsonObject().put("http", SPREAD).put("worker", SPREAD))));
  }

  public static Future<TestService> startSpread(Vertx vertx) {
    return startSpread(vertx, json -> json);
  }

  public static final int SPREAD = 2;

  /** Deep-merges {@code change} into {@code json}, for tests that tweak one setting. */
  public static JsonObject with(JsonObject json, String section, String key, Object value) {
    JsonObject node = json.getJsonObject(section);
    if (node == null) {
      node = new JsonObject();
      json.put(section, node);
    }
    node.put(key, value);
    return json;
  }
}
