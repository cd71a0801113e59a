package dev.campaignstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code CORS_ALLOWED_ORIGINS} holds exact origins as browsers send them, and nothing that would
 * match more than it says: no {@code *}, no pattern, no path.
 */
class CorsOriginsSettingTest {

  private static final String RULE = "Configuration http.corsAllowedOrigins (CORS_ALLOWED_ORIGINS) must be"
      + " comma-separated origins such as https://app.example.com or http://localhost:3000 (scheme, host and port"
      + " only, as browsers send them; * is not accepted), got ";

  @Test
  void noneByDefault() {
    assertThat(ConfigLoader.fromJson(new JsonObject()).http().corsAllowedOrigins()).isEmpty();
  }

  @Test
  void commaSeparatedOriginsAreReadTrimmedAndOnce() {
    JsonObject env = new JsonObject().put("CORS_ALLOWED_ORIGINS",
        " https://app.example.com,http://localhost:3000 ,,http://[::1]:8081,https://app.example.com");
    assertThat(ConfigLoader.fromJson(env).http().corsAllowedOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000", "http://[::1]:8081");
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "https://*.example.com", "https://app.example.com/", "https://app.example.com/x",
      "app.example.com", "ftp://app.example.com", "https://App.example.com", "https://app.example.com:443",
      "http://user@app.example.com", "null", "https://app.example.com?x"})
  void anythingButAnExactOriginIsRefused(String value) {
    assertThatThrownBy(() -> ConfigLoader.fromJson(new JsonObject().put("CORS_ALLOWED_ORIGINS", value)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(RULE + "'" + value + "'");
  }
}
