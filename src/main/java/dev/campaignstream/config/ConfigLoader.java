package dev.campaignstream.config;

import static dev.campaignstream.config.Settings.*;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Reads the configuration once, at start: the YAML file (by default {@code conf/config.yaml},
 * which is also packaged in the jar so the jar runs from any directory), then environment
 * variables on top, then the defaults of {@link Settings} for what neither sets. A value that
 * breaks its setting's rule fails the load with an {@link InvalidConfigurationException}.
 */
public final class ConfigLoader {

  public static final String DEFAULT_PATH = "conf/config.yaml";

  private ConfigLoader() {
  }

  public static Future<AppConfig> load(Vertx vertx, String path) {
    JsonArray envKeys = new JsonArray();
    Settings.ALL.forEach(setting -> setting.environmentVariable().ifPresent(envKeys::add));
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

  /**
   * Builds the configuration from the merged file and environment entries.
   *
   * @throws InvalidConfigurationException naming every setting whose value breaks its rule
   */
  public static AppConfig fromJson(JsonObject merged) {
    return fromJson(merged, System::getenv);
  }

  /** @param environment where the upstreams' {@code apiKeyEnv} variables are read (a test gives its own) */
  public static AppConfig fromJson(JsonObject merged, UnaryOperator<String> environment) {
    SettingValues values = SettingValues.read(merged);
    List<String> problems = new ArrayList<>();
    List<UpstreamSettings> upstreams = UpstreamList.read(values.get(OPENAI_UPSTREAMS), values.get(OPENAI_BASE_URL),
        values.get(OPENAI_API_KEY), values.get(OPENAI_MODEL), environment, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
    HttpSettings http = new HttpSettings(values.get(HTTP_HOST), values.get(HTTP_PORT),
        values.get(HTTP_MAX_CONCURRENT_STREAMS), values.get(HTTP_DRAIN_TIMEOUT_MS),
        values.get(HTTP_REQUEST_HEAD_TIMEOUT_MS), values.get(HTTP_IDLE_TIMEOUT_MS), values.get(HTTP_MAX_CONNECTIONS),
        values.get(HTTP_TLS_CERT_FILE), values.get(HTTP_TLS_KEY_FILE), values.get(HTTP_TLS_RELOAD_CHECK_MS),
        HttpSettings.origins(values.get(CORS_ALLOWED_ORIGINS)));
    int connections = values.get(OPENAI_MAX_CONNECTIONS);
    OpenAiSettings openai = new OpenAiSettings(
        upstreams,
        connections == 0 ? values.get(HTTP_MAX_CONCURRENT_STREAMS) : connections,
        values.get(OPENAI_CONNECT_TIMEOUT_MS),
        values.get(OPENAI_FIRST_TOKEN_TIMEOUT_MS),
        values.get(OPENAI_IDLE_TIMEOUT_MS),
        values.get(OPENAI_TOTAL_TIMEOUT_MS),
        new RetrySettings(values.get(RETRY_MAX_ATTEMPTS), values.get(RETRY_INITIAL_BACKOFF_MS),
            values.get(RETRY_MAX_BACKOFF_MS), values.get(RETRY_MAX_TOTAL_WAIT_MS)),
        new CircuitSettings(values.get(CIRCUIT_MAX_FAILURES), values.get(CIRCUIT_RESET_TIMEOUT_MS)),
        new QueueSettings(values.get(QUEUE_MAX_WAIT_MS), values.get(QUEUE_MAX_SIZE), values.get(QUEUE_POOL_WAIT_MS)));
    StreamSettings stream = new StreamSettings(values.get(STREAM_CREDIT_WINDOW), values.get(STREAM_HEARTBEAT_MS),
        values.get(STREAM_LIVENESS_TIMEOUT_MS), values.get(STREAM_HANDSHAKE_TIMEOUT_MS),
        values.get(STREAM_RECONNECT_GRACE_MS));
    CacheSettings cache = new CacheSettings(values.get(CACHE_ENABLED), values.get(CACHE_TTL_MS),
        values.get(CACHE_MAX_ENTRIES), values.get(CACHE_MAX_LAG_CHUNKS), values.get(CACHE_MAX_CAMPAIGN_CHARS));
    ClusterSettings cluster = new ClusterSettings(values.get(CLUSTER_ENABLED), values.get(CLUSTER_NAME),
        values.get(CLUSTER_HOST), values.get(CLUSTER_PORT), values.get(CLUSTER_MEMBERS), values.get(EVENTBUS_PORT),
        values.get(CLUSTER_CONFIG));
    return new AppConfig(http, openai, stream, cache, cluster, values.get(NODE_ROLE), values.get(NODE_NAME),
        values.get(HTTP_INSTANCES), values.get(WORKER_INSTANCES), values.get(DEMO),
        new AuthSettings(values.get(AUTH_KEYS_FILE), values.get(AUTH_MODE), values.get(AUTH_RELOAD_CHECK_MS)),
        ManagementSettings.of(values.get(MANAGEMENT_PORT)), values.get(USAGE_LOG_FILE),
        values.get(TRACE_CONTENT), values.get(IO_TRANSPORT));
  }
}
