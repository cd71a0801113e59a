package dev.campaignstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code openai.upstreams}: every rule named in its message, keys only from the environment, defaults that add up. */
class UpstreamsConfigTest {

  private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-env-SECRET", "AZURE_OPENAI_API_KEY",
      "az-SECRET");

  private static JsonObject upstreams(JsonObject... entries) {
    return new JsonObject().put("openai", new JsonObject().put("upstreams", new JsonArray(java.util.List.of(entries))));
  }

  private static JsonObject openAi(String name) {
    return new JsonObject().put("name", name).put("baseUrl", "https://api.openai.com/v1")
        .put("apiKeyEnv", "OPENAI_API_KEY");
  }

  private static AppConfig load(JsonObject json) {
    return ConfigLoader.fromJson(json, ENV::get);
  }

  private static void assertRefused(JsonObject json, String... messages) {
    assertThatThrownBy(() -> load(json)).isInstanceOf(InvalidConfigurationException.class)
        .satisfies(e -> {
          for (String message : messages) {
            assertThat(e.getMessage()).contains(message);
          }
          assertThat(e.getMessage()).doesNotContain("SECRET");
        });
  }

  @Test
  void theIssuesExampleReadsAsTwoUpstreams() {
    AppConfig config = load(upstreams(
        openAi("openai-a").put("model", "gpt-4o-mini").put("weight", 3).put("maxConcurrentStreams", 2000),
        new JsonObject().put("name", "azure-eu").put("type", "azure")
            .put("baseUrl", "https://example-eu.openai.azure.com/openai/deployments/gpt-4o-mini")
            .put("apiVersion", "2024-10-21").put("apiKeyEnv", "AZURE_OPENAI_API_KEY").put("weight", 1)));
    UpstreamSettings a = config.openai().upstreams().get(0);
    UpstreamSettings azure = config.openai().upstreams().get(1);
    assertThat(a.endpoint()).isEqualTo("https://api.openai.com/v1/chat/completions");
    assertThat(a.keyHeader()).isEqualTo("Authorization");
    assertThat(a.keyHeaderValue()).isEqualTo("Bearer sk-env-SECRET");
    assertThat(a.weight()).isEqualTo(3);
    assertThat(a.maxConcurrentStreams()).isEqualTo(2000);
    assertThat(azure.endpoint()).isEqualTo(
        "https://example-eu.openai.azure.com/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21");
    assertThat(azure.keyHeader()).isEqualTo("api-key");
    assertThat(azure.keyHeaderValue()).isEqualTo("az-SECRET");
    // No model of its own: the configuration's, so that both write one campaign per brand.
    assertThat(azure.model()).isEqualTo("gpt-4o-mini");
    assertThat(config.openai().models()).containsExactly("gpt-4o-mini");
    assertThat(config.openai().toString()).doesNotContain("SECRET");
  }

  @Test
  void withoutAListTheSingleFormIsOneUpstreamNamedOpenai() {
    AppConfig config = ConfigLoader.fromJson(new JsonObject()
        .put("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1").put("OPENAI_API_KEY", "sk-single-SECRET"), name -> null);
    assertThat(config.openai().upstreams()).singleElement().satisfies(upstream -> {
      assertThat(upstream.name()).isEqualTo("openai");
      assertThat(upstream.baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
      assertThat(upstream.apiKey()).isEqualTo("sk-single-SECRET");
      assertThat(upstream.model()).isEqualTo("gpt-4o-mini");
      assertThat(upstream.weight()).isEqualTo(1);
    });
  }

  @Test
  void everyBrokenRuleIsNamed() {
    assertRefused(upstreams(openAi("Not Valid")),
        "openai.upstreams[0].name must be 1 to 40 of a-z, 0-9 and '-', got 'Not Valid'");
    assertRefused(upstreams(openAi("a"), openAi("a")), "openai.upstreams[1].name must be unique, got 'a' twice");
    assertRefused(upstreams(openAi("a").put("baseUrl", "ftp://x")),
        "openai.upstreams[0].baseUrl must be an http:// or https:// URL, got 'ftp://x'");
    assertRefused(upstreams(new JsonObject().put("name", "a")), "openai.upstreams[0].baseUrl is required");
    assertRefused(upstreams(openAi("a").put("type", "bedrock")),
        "openai.upstreams[0].type must be openai or azure, got 'bedrock'");
    assertRefused(upstreams(openAi("a").put("type", "azure")),
        "openai.upstreams[0].apiVersion is required for an azure upstream");
    assertRefused(upstreams(openAi("a").put("apiVersion", "2024-10-21")),
        "openai.upstreams[0].apiVersion is for azure upstreams only");
    assertRefused(upstreams(openAi("a").put("weight", -1)),
        "openai.upstreams[0].weight must be a whole number of at least 0, got '-1'");
    assertRefused(upstreams(openAi("a").put("weight", 0)), "openai.upstreams needs one upstream with a weight above 0");
    assertRefused(upstreams(openAi("a").put("maxConcurrentStreams", 0)),
        "openai.upstreams[0].maxConcurrentStreams must be a whole number of at least 1, got '0'");
    assertRefused(upstreams(openAi("a").put("apiKeyEnv", "not a variable")),
        "openai.upstreams[0].apiKeyEnv must be the name of an environment variable");
    assertRefused(upstreams(openAi("a").put("colour", "blue")),
        "openai.upstreams[0].colour is not a setting of an upstream");
    assertRefused(upstreams(openAi("a").put("http2", "yes")), "openai.upstreams[0].http2 must be true or false, got 'yes'");
    assertRefused(new JsonObject().put("openai", new JsonObject().put("upstreams", "openai-a")),
        "openai.upstreams must be a YAML list");
  }

  /** A key written in a file would be read by whoever reads the file: refused, without quoting it. */
  @Test
  void aKeyInTheFileIsRefusedWithoutBeingQuoted() {
    assertRefused(upstreams(openAi("a").put("apiKey", "sk-in-file-SECRET")),
        "openai.upstreams[0].apiKey is not a setting: name the environment variable that holds the key in apiKeyEnv");
  }

  @Test
  void aVariableThatIsNotSetLeavesTheUpstreamWithoutAKey() {
    AppConfig config = ConfigLoader.fromJson(upstreams(openAi("a").put("apiKeyEnv", "NOT_SET_HERE")), name -> null);
    assertThat(config.openai().missingKeys()).extracting(UpstreamSettings::name).containsExactly("a");
  }

  /** Each stream the node accepts can have a connection to each upstream, unless the operator says otherwise. */
  @Test
  void theConnectionsFollowTheStreamsTheNodeAccepts() {
    assertThat(load(new JsonObject()).openai().maxConnections())
        .isEqualTo(load(new JsonObject()).http().maxConcurrentStreams());
    assertThat(load(new JsonObject().put("HTTP_MAX_CONCURRENT_STREAMS", "500")).openai().maxConnections())
        .isEqualTo(500);
    assertThat(load(new JsonObject().put("OPENAI_MAX_CONNECTIONS", "64")).openai().maxConnections()).isEqualTo(64);
  }
}
