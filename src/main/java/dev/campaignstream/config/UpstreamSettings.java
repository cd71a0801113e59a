package dev.campaignstream.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One upstream the workers may call: a key of OpenAI's, an Azure deployment, or any
 * OpenAI-compatible server.
 *
 * @param name                 {@code [a-z0-9-]{1,40}}; the upstream's name in logs, metrics and the usage log
 * @param type                 the API's shape
 * @param baseUrl              for OpenAI {@code https://api.openai.com/v1}; for Azure the deployment's URL,
 *                             {@code https://<resource>.openai.azure.com/openai/deployments/<deployment>}
 * @param apiKeyEnv            the environment variable the key is read from; null for a server that takes none
 * @param apiKey               the key read from it, or null; never logged ({@link #toString()} hides it)
 * @param model                the model asked for, and part of the campaign key
 * @param weight               its share of new streams while it can take them; 0 = only when no weighted one can
 * @param maxConcurrentStreams streams it may hold at once on one worker node; 0 = no cap of its own
 * @param apiVersion           Azure's {@code api-version}; null for OpenAI
 * @param http2                HTTP/2 (ALPN over TLS, prior knowledge over plain HTTP): many streams on few connections
 */
public record UpstreamSettings(String name, UpstreamType type, String baseUrl, String apiKeyEnv, String apiKey,
    String model, int weight, int maxConcurrentStreams, String apiVersion, boolean http2) {

  /** The name of the one upstream a configuration without {@code openai.upstreams} has. */
  public static final String SINGLE = "openai";

  public boolean hasApiKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  /** Where the chat completions are posted. */
  public String endpoint() {
    String base = baseUrl.replaceAll("/+$", "") + "/chat/completions";
    return type == UpstreamType.AZURE
        ? base + "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8)
        : base;
  }

  /** The header the key travels in. */
  public String keyHeader() {
    return type == UpstreamType.AZURE ? "api-key" : "Authorization";
  }

  /** The value of {@link #keyHeader()}. */
  public String keyHeaderValue() {
    return type == UpstreamType.AZURE ? apiKey : "Bearer " + apiKey;
  }

  public UpstreamSettings withBaseUrl(String url) {
    return new UpstreamSettings(name, type, url, apiKeyEnv, apiKey, model, weight, maxConcurrentStreams, apiVersion,
        http2);
  }

  @Override
  public String toString() {
    return "Upstream[" + name + ", " + type.label() + ", " + baseUrl + ", model " + model + ", weight " + weight
        + (maxConcurrentStreams > 0 ? ", at most " + maxConcurrentStreams + " streams" : "")
        + (http2 ? ", HTTP/2" : "")
        + (apiKeyEnv == null ? ", no key" : ", key from " + apiKeyEnv + (hasApiKey() ? " (set)" : " (not set)"))
        + "]";
  }
}
