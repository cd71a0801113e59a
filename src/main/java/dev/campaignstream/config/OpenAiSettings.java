package dev.campaignstream.config;

/**
 * How the worker reaches OpenAI (or any OpenAI-compatible server).
 *
 * @param baseUrl             e.g. {@code https://api.openai.com/v1}; {@code /chat/completions} is appended
 * @param apiKey              sent as a bearer token; never logged ({@link #toString()} hides it)
 * @param model               the model asked for
 * @param maxConnections      pooled keep-alive connections per worker instance
 * @param connectTimeoutMs    TCP/TLS connect timeout
 * @param firstTokenTimeoutMs no first piece of text within this time: 504
 * @param idleTimeoutMs       no data from OpenAI for this long once streaming: the stream fails
 * @param totalTimeoutMs      optional cap on a whole stream; 0 means none
 * @param retry               retries before the first text reaches the caller
 * @param circuit             the circuit breaker around calls
 */
public record OpenAiSettings(
    String baseUrl,
    String apiKey,
    String model,
    int maxConnections,
    long connectTimeoutMs,
    long firstTokenTimeoutMs,
    long idleTimeoutMs,
    long totalTimeoutMs,
    RetrySettings retry,
    CircuitSettings circuit) {

  public boolean hasApiKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  public OpenAiSettings withBaseUrl(String url) {
    return new OpenAiSettings(url, apiKey, model, maxConnections, connectTimeoutMs, firstTokenTimeoutMs,
        idleTimeoutMs, totalTimeoutMs, retry, circuit);
  }

  @Override
  public String toString() {
    return "OpenAiSettings[baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "(set)" : "(none)")
        + ", model=" + model + ", maxConnections=" + maxConnections + ", connectTimeoutMs=" + connectTimeoutMs
        + ", firstTokenTimeoutMs=" + firstTokenTimeoutMs + ", idleTimeoutMs=" + idleTimeoutMs
        + ", totalTimeoutMs=" + totalTimeoutMs + ", retry=" + retry + ", circuit=" + circuit + "]";
  }
}
