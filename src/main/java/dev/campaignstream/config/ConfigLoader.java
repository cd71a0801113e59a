package dev.campaignstream.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reads the configuration: the YAML file (by default {@code conf/config.yaml}, which is also
 * packaged in the jar so the jar runs from any directory), then environment variables on top.
 */
public final class ConfigLoader {

  public static final String DEFAULT_PATH = "conf/config.yaml";

  /** Environment variables and the YAML path each one overrides. Documented in the README. */
  static final List<String[]> ENVIRONMENT = List.of(
      new String[] {"OPENAI_API_KEY", "openai.apiKey"},
      new String[] {"OPENAI_BASE_URL", "openai.baseUrl"},
      new String[] {"OPENAI_MODEL", "openai.model"},
      new String[] {"OPENAI_MAX_CONNECTIONS", "openai.maxConnections"},
      new String[] {"OPENAI_CONNECT_TIMEOUT_MS", "openai.connectTimeoutMs"},
      new String[] {"OPENAI_FIRST_TOKEN_TIMEOUT_MS", "openai.firstTokenTimeoutMs"},
      new String[] {"OPENAI_IDLE_TIMEOUT_MS", "openai.idleTimeoutMs"},
      new String[] {"OPENAI_TOTAL_TIMEOUT_MS", "openai.totalTimeoutMs"},
      new String[] {"OPENAI_RETRY_MAX_ATTEMPTS", "openai.retry.maxAttempts"},
      new String[] {"OPENAI_RETRY_MAX_TOTAL_WAIT_MS", "openai.retry.maxTotalWaitMs"},
      new String[] {"OPENAI_CIRCUIT_MAX_FAILURES", "openai.circuit.maxFailures"},
      new String[] {"OPENAI_CIRCUIT_RESET_TIMEOUT_MS", "openai.circuit.resetTimeoutMs"},
      new String[] {"HTTP_HOST", "http.host"},
      new String[] {"HTTP_PORT", "http.port"},
      new String[] {"HTTP_MAX_CONCURRENT_STREAMS", "http.maxConcurrentStreams"},
      new String[] {"HTTP_DRAIN_TIMEOUT_MS", "http.drainTimeoutMs"},
      new String[] {"HTTP_INSTANCES", "instances.http"},
      new String[] {"WORKER_INSTANCES", "instances.worker"},
      new String[] {"STREAM_CREDIT_WINDOW", "stream.creditWindow"},
      new String[] {"STREAM_HEARTBEAT_MS", "stream.heartbeatMs"},
      new String[] {"STREAM_LIVENESS_TIMEOUT_MS", "stream.livenessTimeoutMs"},
      new String[] {"STREAM_HANDSHAKE_TIMEOUT_MS", "stream.handshakeTimeoutMs"},
      new String[] {"CACHE_ENABLED", "cache.enabled"},
      new String[] {"CACHE_TTL_MS", "cache.ttlMs"},
      new String[] {"CACHE_MAX_ENTRIES", "cache.maxEntries"},
      new String[] {"CACHE_MAX_LAG_CHUNKS", "cache.maxLagChunks"},
      new String[] {"CACHE_MAX_CAMPAIGN_CHARS", "cache.maxCampaignChars"},
      new String[] {"DEMO_MODE", "demo"},
      new String[] {"NODE_ROLE", "node.role"},
      new String[] {"NODE_NAME", "node.name"},
      new String[] {"CLUSTER_ENABLED", "cluster.enabled"},
      new String[] {"CLUSTER_NAME", "cluster.name"},
      new String[] {"CLUSTER_HOST", "cluster.host"},
      new String[] {"CLUSTER_PORT", "cluster.port"},
      new String[] {"CLUSTER_MEMBERS", "cluster.members"},
      new String[] {"EVENTBUS_PORT", "cluster.eventBusPort"},
      new String[] {"CLUSTER_CONFIG", "cluster.config"});

  private ConfigLoader() {
  }

  public static Future<AppConfig> load(Vertx vertx, String path) {
    JsonArray envKeys = new JsonArray();
    ENVIRONMENT.forEach(pair -> envKeys.add(pair[0]));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setScanPeriod(0)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", path)))
        .addStore(new ConfigStoreOptions().setType("env")
            .setConfig(new JsonObject().put("keys", envKeys).put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(ConfigLoader::fromJson);
  }

  /** Builds the configuration from the merged file and environment entries. */
  public static AppConfig fromJson(JsonObject merged) {
    JsonObject json = merged.copy();
    for (String[] pair : ENVIRONMENT) {
      Object value = json.remove(pair[0]);
      if (value != null && !value.toString().isEmpty()) {
        put(json, pair[1], value.toString());
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    HttpSettings http = new HttpSettings(
        text(json, "http.host", "0.0.0.0"),
        number(json, "http.port", 8080),
        number(json, "http.maxConcurrentStreams", 10_000),
        number(json, "http.drainTimeoutMs", 30_000L));
    OpenAiSettings openai = new OpenAiSettings(
        text(json, "openai.baseUrl", "https://api.openai.com/v1"),
        text(json, "openai.apiKey", ""),
        text(json, "openai.model", "gpt-4o-mini"),
        number(json, "openai.maxConnections", 2_000),
        number(json, "openai.connectTimeoutMs", 5_000L),
        number(json, "openai.firstTokenTimeoutMs", 30_000L),
        number(json, "openai.idleTimeoutMs", 30_000L),
        number(json, "openai.totalTimeoutMs", 0L),
        new RetrySettings(
            number(json, "openai.retry.maxAttempts", 3),
            number(json, "openai.retry.initialBackoffMs", 250L),
            number(json, "openai.retry.maxBackoffMs", 4_000L),
            number(json, "openai.retry.maxTotalWaitMs", 10_000L)),
        new CircuitSettings(
            number(json, "openai.circuit.maxFailures", 5),
            number(json, "openai.circuit.resetTimeoutMs", 10_000L)));
    StreamSettings stream = new StreamSettings(
        number(json, "stream.creditWindow", 32),
        number(json, "stream.heartbeatMs", 1_000L),
        number(json, "stream.livenessTimeoutMs", 5_000L),
        number(json, "stream.handshakeTimeoutMs", 5_000L));
    CacheSettings cache = new CacheSettings(
        Boolean.parseBoolean(text(json, "cache.enabled", "true")),
        number(json, "cache.ttlMs", 3_600_000L),
        number(json, "cache.maxEntries", 10_000),
        number(json, "cache.maxLagChunks", 4_096),
        number(json, "cache.maxCampaignChars", 65_536));
    ClusterSettings cluster = new ClusterSettings(
        Boolean.parseBoolean(text(json, "cluster.enabled", "false")),
        text(json, "cluster.name", "campaign-stream"),
        text(json, "cluster.host", "127.0.0.1"),
        number(json, "cluster.port", 5701),
        text(json, "cluster.members", "127.0.0.1"),
        number(json, "cluster.eventBusPort", 0),
        text(json, "cluster.config", "conf/hazelcast.xml"));
    return new AppConfig(http, openai, stream, cache, cluster,
        NodeRole.parse(text(json, "node.role", "all")),
        text(json, "node.name", defaultNodeName()),
        number(json, "instances.http", cores),
        number(json, "instances.worker", cores),
        Boolean.parseBoolean(text(json, "demo", "false")));
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static void put(JsonObject json, String path, String value) {
    String[] keys = path.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < keys.length - 1; i++) {
      JsonObject child = node.getJsonObject(keys[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(keys[i], child);
      }
      node = child;
    }
    node.put(keys[keys.length - 1], value);
  }

  private static Object lookup(JsonObject json, String path) {
    Object node = json;
    for (String key : path.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node;
  }

  private static String text(JsonObject json, String path, String fallback) {
    Object value = lookup(json, path);
    return value == null ? fallback : value.toString();
  }

  private static int number(JsonObject json, String path, int fallback) {
    return (int) number(json, path, (long) fallback);
  }

  private static long number(JsonObject json, String path, long fallback) {
    Object value = lookup(json, path);
    if (value == null) {
      return fallback;
    }
    try {
      return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Configuration " + path + " must be a whole number, got '" + value + "'");
    }
  }
}
