package dev.campaignstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Every rule of {@link Settings} refuses a wrong value with a message naming the setting (its YAML
 * path and its environment variable) and the rule. The JSON handed to {@link ConfigLoader#fromJson}
 * is what Vert.x merges: the file's sections, and environment variables beside them as text.
 */
class ConfigValidationTest {

  @Test
  void defaultsMeetEveryRule() {
    AppConfig config = ConfigLoader.fromJson(new JsonObject());
    assertThat(config.stream().creditWindow()).isEqualTo(32);
    assertThat(config.role()).isEqualTo(NodeRole.ALL);
    assertThat(config.httpInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  /** One loop per instance of the verticle the node runs most of, counting only what its role runs. */
  @Test
  void eventLoopsFollowTheInstancesOfTheVerticlesTheNodeRuns() {
    JsonObject instances = new JsonObject().put("HTTP_INSTANCES", "3").put("WORKER_INSTANCES", "5");
    assertThat(ConfigLoader.fromJson(instances.copy()).eventLoops()).isEqualTo(5);
    assertThat(ConfigLoader.fromJson(instances.copy()).withFlags(false, false, NodeRole.HTTP).eventLoops()).isEqualTo(3);
    assertThat(ConfigLoader.fromJson(instances.copy()).withFlags(false, false, NodeRole.WORKER).eventLoops()).isEqualTo(5);
  }

  @Test
  void environmentOverridesFileAndEmptyVariableCountsAsUnset() {
    JsonObject merged = file("stream", "creditWindow", 8).put("STREAM_CREDIT_WINDOW", "16").put("HTTP_PORT", "");
    AppConfig config = ConfigLoader.fromJson(merged);
    assertThat(config.stream().creditWindow()).isEqualTo(16);
    assertThat(config.http().port()).isEqualTo(8080);
  }

  @Test
  void creditWindowOfZeroIsRefused() {
    assertRefused(environment("STREAM_CREDIT_WINDOW", "0"),
        "Configuration stream.creditWindow (STREAM_CREDIT_WINDOW) must be at least 1, got 0");
  }

  @Test
  void negativeTimeoutIsRefused() {
    assertRefused(file("openai", "idleTimeoutMs", -1),
        "Configuration openai.idleTimeoutMs (OPENAI_IDLE_TIMEOUT_MS) must be at least 1, got -1");
  }

  @Test
  void totalTimeoutOfZeroMeansNoneButNegativeIsRefused() {
    assertThat(ConfigLoader.fromJson(environment("OPENAI_TOTAL_TIMEOUT_MS", "0")).openai().totalTimeoutMs()).isZero();
    assertRefused(environment("OPENAI_TOTAL_TIMEOUT_MS", "-5"),
        "Configuration openai.totalTimeoutMs (OPENAI_TOTAL_TIMEOUT_MS) must be at least 0, got -5");
  }

  @Test
  void cacheSizesMustBePositive() {
    assertRefused(file("cache", "ttlMs", 0), "Configuration cache.ttlMs (CACHE_TTL_MS) must be at least 1, got 0");
  }

  @Test
  void portOutsideRangeIsRefused() {
    assertRefused(environment("HTTP_PORT", "65536"),
        "Configuration http.port (HTTP_PORT) must be a port from 0 to 65535, got 65536");
    assertRefused(file("cluster", "eventBusPort", -1),
        "Configuration cluster.eventBusPort (EVENTBUS_PORT) must be a port from 0 to 65535, got -1");
  }

  @Test
  void booleanOtherThanTrueOrFalseIsRefused() {
    assertRefused(environment("CACHE_ENABLED", "1"),
        "Configuration cache.enabled (CACHE_ENABLED) must be true or false, got '1'");
    assertRefused(file("cluster", "enabled", "on"),
        "Configuration cluster.enabled (CLUSTER_ENABLED) must be true or false, got 'on'");
  }

  @Test
  void booleanIgnoresCase() {
    assertThat(ConfigLoader.fromJson(environment("CACHE_ENABLED", "FALSE")).cache().enabled()).isFalse();
    assertThat(ConfigLoader.fromJson(environment("DEMO_MODE", "True")).demo()).isTrue();
  }

  @Test
  void textWhereNumberBelongsIsRefused() {
    assertRefused(environment("OPENAI_MAX_CONNECTIONS", "lots"),
        "Configuration openai.maxConnections (OPENAI_MAX_CONNECTIONS) must be a whole number from -2147483648 to"
            + " 2147483647, got 'lots'");
    assertRefused(file("stream", "heartbeatMs", 1.5),
        "Configuration stream.heartbeatMs (STREAM_HEARTBEAT_MS) must be a whole number, got '1.5'");
  }

  @Test
  void numberTooLargeForItsFieldIsRefusedNotWrapped() {
    assertRefused(environment("CACHE_MAX_ENTRIES", "3000000000"),
        "Configuration cache.maxEntries (CACHE_MAX_ENTRIES) must be a whole number from -2147483648 to"
            + " 2147483647, got '3000000000'");
    assertRefused(environment("OPENAI_CONNECT_TIMEOUT_MS", "3000000000"),
        "Configuration openai.connectTimeoutMs (OPENAI_CONNECT_TIMEOUT_MS) must be from 1 to 2147483647,"
            + " got 3000000000");
  }

  @Test
  void baseUrlMustBeHttp() {
    assertRefused(environment("OPENAI_BASE_URL", "ftp://example.com/v1"),
        "Configuration openai.baseUrl (OPENAI_BASE_URL) must be an http or https URL, got 'ftp://example.com/v1'");
    assertRefused(environment("OPENAI_BASE_URL", "api.openai.com"),
        "Configuration openai.baseUrl (OPENAI_BASE_URL) must be an http or https URL, got 'api.openai.com'");
    assertThat(ConfigLoader.fromJson(environment("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")).openai().upstreams().get(0).baseUrl())
        .isEqualTo("http://127.0.0.1:8000/v1");
  }

  @Test
  void nodeRoleMustBeAllHttpOrWorker() {
    assertRefused(environment("NODE_ROLE", "boss"), "Configuration node.role (NODE_ROLE) must be all, http or worker,"
        + " got 'boss'");
    assertThat(ConfigLoader.fromJson(environment("NODE_ROLE", "Worker")).role()).isEqualTo(NodeRole.WORKER);
  }

  @Test
  void blankTextIsRefused() {
    assertRefused(file("openai", "model", " "), "Configuration openai.model (OPENAI_MODEL) must not be blank, got ' '");
  }

  @Test
  void heartbeatMustBeShorterThanLivenessTimeout() {
    assertRefused(environment("STREAM_HEARTBEAT_MS", "5000"),
        "Configuration stream.heartbeatMs (STREAM_HEARTBEAT_MS) must be less than stream.livenessTimeoutMs"
            + " (STREAM_LIVENESS_TIMEOUT_MS), got 5000 and 5000");
  }

  @Test
  void initialBackoffMustNotExceedMaxBackoff() {
    JsonObject merged = file("openai", "retry", new JsonObject().put("initialBackoffMs", 500).put("maxBackoffMs", 100));
    assertRefused(merged,
        "Configuration openai.retry.initialBackoffMs must be at most openai.retry.maxBackoffMs, got 500 and 100");
  }

  @Test
  void settingWithoutVariableIsNamedByItsPath() {
    assertRefused(file("openai", "retry", new JsonObject().put("maxBackoffMs", -1)),
        "Configuration openai.retry.maxBackoffMs must be at least 0, got -1");
  }

  @Test
  void keyThatIsNoSettingIsRefused() {
    assertRefused(file("stream", "heartbeatMS", 500),
        "Configuration stream.heartbeatMS is not a setting (see the README's configuration table)");
    assertRefused(new JsonObject().put("stream", 5), "Configuration stream must be a section of settings, got '5'");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    JsonObject merged = environment("CACHE_ENABLED", "1").put("HTTP_PORT", "-1");
    assertThatThrownBy(() -> ConfigLoader.fromJson(merged))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
            "Configuration http.port (HTTP_PORT) must be a port from 0 to 65535, got -1",
            "Configuration cache.enabled (CACHE_ENABLED) must be true or false, got '1'"))
        .hasMessage("Configuration http.port (HTTP_PORT) must be a port from 0 to 65535, got -1; "
            + "Configuration cache.enabled (CACHE_ENABLED) must be true or false, got '1'");
  }

  private static void assertRefused(JsonObject merged, String message) {
    assertThatThrownBy(() -> ConfigLoader.fromJson(merged))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(message);
  }

  private static JsonObject environment(String variable, String value) {
    return new JsonObject().put(variable, value);
  }

  private static JsonObject file(String section, String key, Object value) {
    return new JsonObject().put(section, new JsonObject().put(key, value));
  }
}
