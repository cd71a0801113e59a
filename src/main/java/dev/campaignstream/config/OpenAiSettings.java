package dev.campaignstream.config;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How the workers reach OpenAI (or any OpenAI-compatible server, or Azure OpenAI).
 *
 * @param upstreams           where the calls go, at least one
 * @param maxConnections      connections per upstream on one worker node, shared by its worker instances
 * @param connectTimeoutMs    TCP/TLS connect timeout
 * @param firstTokenTimeoutMs no first piece of text within this time from one upstream: the next, or 504
 * @param idleTimeoutMs       no data from OpenAI for this long once streaming: the stream fails
 * @param totalTimeoutMs      optional cap on a whole stream; 0 means none
 * @param retry               retries before the first text reaches the caller
 * @param circuit             the circuit breaker around each upstream's calls
 * @param queue               the wait of streams no upstream can take at once
 */
public record OpenAiSettings(
    List<UpstreamSettings> upstreams,
    int maxConnections,
    long connectTimeoutMs,
    long firstTokenTimeoutMs,
    long idleTimeoutMs,
    long totalTimeoutMs,
    RetrySettings retry,
    CircuitSettings circuit,
    QueueSettings queue) {

  public OpenAiSettings {
    upstreams = List.copyOf(upstreams);
  }

  /** The models the upstreams serve, each once, in the order first configured. */
  public List<String> models() {
    return upstreams.stream().map(UpstreamSettings::model).distinct().toList();
  }

  /** The model of the first upstream: what a single-upstream node writes with. */
  public String model() {
    return upstreams.get(0).model();
  }

  /** Upstreams that name a key variable which is not set. */
  public List<UpstreamSettings> missingKeys() {
    return upstreams.stream().filter(upstream -> upstream.apiKeyEnv() != null && !upstream.hasApiKey()).toList();
  }

  /** Every upstream redirected, keeping its shape: what demo mode does with the simulator's address. */
  public OpenAiSettings redirected(UnaryOperator<UpstreamSettings> where) {
    return new OpenAiSettings(upstreams.stream().map(where).toList(), maxConnections, connectTimeoutMs,
        firstTokenTimeoutMs, idleTimeoutMs, totalTimeoutMs, retry, circuit, queue);
  }

  /** The single form's upstream pointed at {@code url}, e.g. a simulator; for one-upstream nodes and tests. */
  public OpenAiSettings withBaseUrl(String url) {
    return redirected(upstream -> upstream.withBaseUrl(url));
  }
}
