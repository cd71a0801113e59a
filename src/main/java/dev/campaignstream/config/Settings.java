package dev.campaignstream.config;

import static dev.campaignstream.config.SettingRule.any;
import static dev.campaignstream.config.SettingRule.atLeast;
import static dev.campaignstream.config.SettingRule.between;
import static dev.campaignstream.config.SettingRule.httpUrl;
import static dev.campaignstream.config.SettingRule.notBlank;
import static dev.campaignstream.config.SettingRule.oneOf;
import static dev.campaignstream.config.SettingRule.origins;
import static dev.campaignstream.config.SettingRule.port;

import dev.campaignstream.config.Setting.Default;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Every setting, declared once: its YAML path, its environment variable, its default and its rule.
 * This is where defaults live; {@code conf/config.yaml} and the README's tables write them out, and
 * {@code ConfigurationDocsTest} fails when they say otherwise.
 */
public final class Settings {

  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  /** In the order declared below. */
  public static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

  public static final Setting<String> HTTP_HOST = text("http.host", "HTTP_HOST", "0.0.0.0", notBlank());
  public static final Setting<Integer> HTTP_PORT = integer("http.port", "HTTP_PORT", "8080", port());
  public static final Setting<Integer> HTTP_MAX_CONCURRENT_STREAMS =
      integer("http.maxConcurrentStreams", "HTTP_MAX_CONCURRENT_STREAMS", "10000", atLeast(1));
  /** 0 ends the streams in flight at once. */
  public static final Setting<Long> HTTP_DRAIN_TIMEOUT_MS =
      wholeNumber("http.drainTimeoutMs", "HTTP_DRAIN_TIMEOUT_MS", "30000", atLeast(0));
  /** nginx's client_header_timeout and Envoy's request_headers_timeout play this part. */
  public static final Setting<Long> HTTP_REQUEST_HEAD_TIMEOUT_MS =
      wholeNumber("http.requestHeadTimeoutMs", "HTTP_REQUEST_HEAD_TIMEOUT_MS", "10000", atLeast(1));
  /** nginx's keepalive_timeout; counts only while no request is in flight, never during a stream. */
  public static final Setting<Long> HTTP_IDLE_TIMEOUT_MS =
      wholeNumber("http.idleTimeoutMs", "HTTP_IDLE_TIMEOUT_MS", "60000", atLeast(1));
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS =
      integer("http.maxConnections", "HTTP_MAX_CONNECTIONS", "16384", atLeast(1));
  /** Both or neither; HttpSettings checks. Empty means no TLS. */
  public static final Setting<String> HTTP_TLS_CERT_FILE = optionalText("http.tlsCertFile", "HTTP_TLS_CERT_FILE");
  public static final Setting<String> HTTP_TLS_KEY_FILE = optionalText("http.tlsKeyFile", "HTTP_TLS_KEY_FILE");
  public static final Setting<Long> HTTP_TLS_RELOAD_CHECK_MS =
      wholeNumber("http.tlsReloadCheckMs", "HTTP_TLS_RELOAD_CHECK_MS", "10000", atLeast(1));
  /** Comma-separated exact origins; empty (the default) answers no cross-origin caller. */
  public static final Setting<String> CORS_ALLOWED_ORIGINS =
      declare("http.corsAllowedOrigins", "CORS_ALLOWED_ORIGINS", Default.described("none", () -> ""),
          SettingType.TEXT, origins());

  public static final Setting<String> OPENAI_BASE_URL =
      text("openai.baseUrl", "OPENAI_BASE_URL", "https://api.openai.com/v1", httpUrl());
  public static final Setting<String> OPENAI_MODEL = text("openai.model", "OPENAI_MODEL", "gpt-4o-mini", notBlank());
  /** Empty is allowed here: whether a node needs the key depends on its role and demo mode (see Main). */
  public static final Setting<String> OPENAI_API_KEY = optionalText("openai.apiKey", "OPENAI_API_KEY");
  /** A list of sections, read by UpstreamList; empty means the single form above, as one upstream. */
  public static final Setting<Object> OPENAI_UPSTREAMS = declare("openai.upstreams", null,
      Default.described("one upstream from openai.baseUrl", () -> ""), SettingType.LIST, any());
  /** 0: as many as the node accepts streams (http.maxConcurrentStreams), so that each accepted stream has one. */
  public static final Setting<Integer> OPENAI_MAX_CONNECTIONS =
      integer("openai.maxConnections", "OPENAI_MAX_CONNECTIONS", "0", atLeast(0));
  /** Vert.x takes the connect timeout as an int. */
  public static final Setting<Long> OPENAI_CONNECT_TIMEOUT_MS = wholeNumber("openai.connectTimeoutMs",
      "OPENAI_CONNECT_TIMEOUT_MS", "5000", between(1, Integer.MAX_VALUE));
  public static final Setting<Long> OPENAI_FIRST_TOKEN_TIMEOUT_MS =
      wholeNumber("openai.firstTokenTimeoutMs", "OPENAI_FIRST_TOKEN_TIMEOUT_MS", "30000", atLeast(1));
  public static final Setting<Long> OPENAI_IDLE_TIMEOUT_MS =
      wholeNumber("openai.idleTimeoutMs", "OPENAI_IDLE_TIMEOUT_MS", "30000", atLeast(1));
  /** 0 means no cap. */
  public static final Setting<Long> OPENAI_TOTAL_TIMEOUT_MS =
      wholeNumber("openai.totalTimeoutMs", "OPENAI_TOTAL_TIMEOUT_MS", "0", atLeast(0));
  public static final Setting<Integer> RETRY_MAX_ATTEMPTS =
      integer("openai.retry.maxAttempts", "OPENAI_RETRY_MAX_ATTEMPTS", "3", atLeast(1));
  public static final Setting<Long> RETRY_INITIAL_BACKOFF_MS =
      wholeNumber("openai.retry.initialBackoffMs", null, "250", atLeast(0));
  public static final Setting<Long> RETRY_MAX_BACKOFF_MS =
      wholeNumber("openai.retry.maxBackoffMs", null, "4000", atLeast(0));
  public static final Setting<Long> RETRY_MAX_TOTAL_WAIT_MS =
      wholeNumber("openai.retry.maxTotalWaitMs", "OPENAI_RETRY_MAX_TOTAL_WAIT_MS", "10000", atLeast(0));
  public static final Setting<Integer> CIRCUIT_MAX_FAILURES =
      integer("openai.circuit.maxFailures", "OPENAI_CIRCUIT_MAX_FAILURES", "5", atLeast(1));
  public static final Setting<Long> CIRCUIT_RESET_TIMEOUT_MS =
      wholeNumber("openai.circuit.resetTimeoutMs", "OPENAI_CIRCUIT_RESET_TIMEOUT_MS", "10000", atLeast(1));

  public static final Setting<Long> QUEUE_MAX_WAIT_MS =
      wholeNumber("openai.queue.maxWaitMs", "OPENAI_QUEUE_MAX_WAIT_MS", "5000", atLeast(0));
  public static final Setting<Integer> QUEUE_MAX_SIZE =
      integer("openai.queue.maxSize", "OPENAI_QUEUE_MAX_SIZE", "1000", atLeast(0));
  public static final Setting<Long> QUEUE_POOL_WAIT_MS =
      wholeNumber("openai.queue.poolWaitMs", "OPENAI_POOL_WAIT_MS", "1000", atLeast(0));

  public static final Setting<Integer> STREAM_CREDIT_WINDOW =
      integer("stream.creditWindow", "STREAM_CREDIT_WINDOW", "32", atLeast(1));
  public static final Setting<Long> STREAM_HEARTBEAT_MS =
      wholeNumber("stream.heartbeatMs", "STREAM_HEARTBEAT_MS", "1000", atLeast(1));
  public static final Setting<Long> STREAM_LIVENESS_TIMEOUT_MS =
      wholeNumber("stream.livenessTimeoutMs", "STREAM_LIVENESS_TIMEOUT_MS", "5000", atLeast(1));
  public static final Setting<Long> STREAM_HANDSHAKE_TIMEOUT_MS =
      wholeNumber("stream.handshakeTimeoutMs", "STREAM_HANDSHAKE_TIMEOUT_MS", "5000", atLeast(1));
  /** How long an event stream whose last caller dropped waits for its EventSource to reconnect; 0 = not at all. */
  public static final Setting<Long> STREAM_RECONNECT_GRACE_MS =
      wholeNumber("stream.reconnectGraceMs", "STREAM_RECONNECT_GRACE_MS", "5000", atLeast(0));

  /** The cache's sizes are positive, as {@link CacheSettings} requires; cache.enabled turns it off. */
  public static final Setting<Boolean> CACHE_ENABLED = flag("cache.enabled", "CACHE_ENABLED", "true");
  public static final Setting<Long> CACHE_TTL_MS = wholeNumber("cache.ttlMs", "CACHE_TTL_MS", "3600000", atLeast(1));
  public static final Setting<Integer> CACHE_MAX_ENTRIES =
      integer("cache.maxEntries", "CACHE_MAX_ENTRIES", "10000", atLeast(1));
  public static final Setting<Integer> CACHE_MAX_LAG_CHUNKS =
      integer("cache.maxLagChunks", "CACHE_MAX_LAG_CHUNKS", "4096", atLeast(1));
  public static final Setting<Integer> CACHE_MAX_CAMPAIGN_CHARS =
      integer("cache.maxCampaignChars", "CACHE_MAX_CAMPAIGN_CHARS", "65536", atLeast(1));

  public static final Setting<Integer> HTTP_INSTANCES = declare("instances.http", "HTTP_INSTANCES",
      Default.described("cores", Settings::cores), SettingType.INT, atLeast(1));
  public static final Setting<Integer> WORKER_INSTANCES = declare("instances.worker", "WORKER_INSTANCES",
      Default.described("cores", Settings::cores), SettingType.INT, atLeast(1));

  /** What Netty moves bytes with; {@code IoTransport} falls back to epoll, then NIO, where one is missing. */
  public static final Setting<String> IO_TRANSPORT =
      text("io.transport", "IO_TRANSPORT", "epoll", oneOf("epoll", "io_uring", "nio"));

  public static final Setting<Boolean> DEMO = flag("demo", "DEMO_MODE", "false");

  /** Tracing itself is turned on by the standard OTEL_* variables, which the OpenTelemetry SDK reads. */
  public static final Setting<Boolean> TRACE_CONTENT = flag("trace.content", "TRACE_CONTENT", "false");

  public static final Setting<NodeRole> NODE_ROLE =
      declare("node.role", "NODE_ROLE", Default.of("all"), SettingType.NODE_ROLE, any());
  public static final Setting<String> NODE_NAME = declare("node.name", "NODE_NAME",
      Default.described("<hostname>-<pid>", Settings::hostAndPid), SettingType.TEXT, notBlank());

  public static final Setting<Boolean> CLUSTER_ENABLED = flag("cluster.enabled", "CLUSTER_ENABLED", "false");
  public static final Setting<String> CLUSTER_NAME =
      text("cluster.name", "CLUSTER_NAME", "campaign-stream", notBlank());
  public static final Setting<String> CLUSTER_HOST = text("cluster.host", "CLUSTER_HOST", "127.0.0.1", notBlank());
  public static final Setting<Integer> CLUSTER_PORT = integer("cluster.port", "CLUSTER_PORT", "5701", port());
  public static final Setting<String> CLUSTER_MEMBERS =
      text("cluster.members", "CLUSTER_MEMBERS", "127.0.0.1", notBlank());
  public static final Setting<Integer> EVENTBUS_PORT = integer("cluster.eventBusPort", "EVENTBUS_PORT", "0", port());
  public static final Setting<String> CLUSTER_CONFIG =
      text("cluster.config", "CLUSTER_CONFIG", "conf/hazelcast.xml", notBlank());

  /** Empty: callers are not authenticated, which AuthSettings allows only when asked (auth.mode none) or in demo mode. */
  public static final Setting<String> AUTH_KEYS_FILE = optionalText("auth.keysFile", "CALLER_KEYS_FILE");
  /** Empty means "keys when a keys file is set"; see {@link AppConfig#callerAuth()}. */
  public static final Setting<String> AUTH_MODE = declare("auth.mode", "CALLER_AUTH",
      Default.described("keys with a keys file", () -> ""), SettingType.TEXT, SettingRule.oneOf("keys", "none"));
  public static final Setting<Long> AUTH_RELOAD_CHECK_MS =
      wholeNumber("auth.reloadCheckMs", "CALLER_KEYS_RELOAD_CHECK_MS", "2000", atLeast(1));
  /** Empty: /metrics and /health/* stay on http.port. */
  public static final Setting<String> MANAGEMENT_PORT = declare("management.port", "MANAGEMENT_PORT",
      Default.described("none", () -> ""), SettingType.TEXT, SettingRule.optionalPort());
  /** Where the usage log (one JSON line per campaign request, to bill from) is appended; apart from the access log. */
  public static final Setting<String> USAGE_LOG_FILE =
      text("usage.logFile", "USAGE_LOG_FILE", "logs/usage.jsonl", notBlank());

  /** Settings valid each on its own that must also agree with each other. */
  public static final List<SettingOrder> ORDERS = List.of(
      // A side pings after heartbeatMs of its own silence; the peer must not give up before the ping is due.
      SettingOrder.lessThan(STREAM_HEARTBEAT_MS, STREAM_LIVENESS_TIMEOUT_MS),
      SettingOrder.atMost(RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS));

  private Settings() {
  }

  private static Setting<Integer> integer(String path, String variable, String value, SettingRule<Number> rule) {
    return declare(path, variable, Default.of(value), SettingType.INT, rule);
  }

  private static Setting<Long> wholeNumber(String path, String variable, String value, SettingRule<Number> rule) {
    return declare(path, variable, Default.of(value), SettingType.WHOLE_NUMBER, rule);
  }

  private static Setting<String> text(String path, String variable, String value, SettingRule<String> rule) {
    return declare(path, variable, Default.of(value), SettingType.TEXT, rule);
  }

  /** Text that may be left empty, documented as having no default. */
  private static Setting<String> optionalText(String path, String variable) {
    return declare(path, variable, Default.described("none", () -> ""), SettingType.TEXT, any());
  }

  private static Setting<Boolean> flag(String path, String variable, String value) {
    return declare(path, variable, Default.of(value), SettingType.BOOLEAN, any());
  }

  private static <T> Setting<T> declare(String path, String variable, Default value, SettingType<T> type,
      SettingRule<? super T> rule) {
    Setting<T> setting = new Setting<>(path, Optional.ofNullable(variable), value, type, rule);
    DECLARED.add(setting);
    return setting;
  }

  private static String cores() {
    return Integer.toString(Runtime.getRuntime().availableProcessors());
  }

  private static String hostAndPid() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
