package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A brand is any 1 to 20 character string (code points) that is not all white space, without control,
 * line-separator or bidi-control characters, and reaches the model exactly as sent, whatever it looks like.
 */
@ExtendWith(VertxExtension.class)
class BrandValidationTest {

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(List.of("ok")));
      testContext.completeNow();
    }));
  }

  static List<String> acceptedBrands() {
    return List.of("true", "false", "null", "123", "1e5", "3.0", "-0", "100%", "+", "a+b", "%2B", "\"quoted\"",
        "[1,2]", "{\"a\":1}", " padded ", "<b>&amp;</b>", "Ünïcödé Brånd", "漢字ブランド", "👩\u200D💻 Dev",
        "a;b", "Acme\u00A0Coffee",
        "🚀".repeat(20), "é".repeat(20), "x".repeat(20), "a");
  }

  @ParameterizedTest
  @MethodSource("acceptedBrands")
  void campaignSendsTheBrandToTheModelExactly(String brand, VertxTestContext testContext) {
    app.caller.get("/campaign?prompt=" + encode(brand), "application/json")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).as(seen.body()).isEqualTo(200);
          assertThat(seen.json().getString("prompt")).isEqualTo(brand);
          JsonObject user = app.upstream.requests().get(0).body().getJsonArray("messages").getJsonObject(1);
          assertThat(user.getString("content")).isEqualTo(brand);
          testContext.completeNow();
        })));
  }

  @ParameterizedTest
  @MethodSource("acceptedBrands")
  void echoReturnsTheValueExactly(String value, VertxTestContext testContext) {
    app.caller.get("/echo?input_value=" + encode(value), null)
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).as(seen.body()).isEqualTo(200);
          assertThat(seen.header("Content-Type")).isEqualTo("application/json");
          assertThat(Json.decodeValue(seen.body())).isEqualTo(value);
          testContext.completeNow();
        })));
  }

  @Test
  void aLiteralPlusIsASpaceAsInAnyQueryString(VertxTestContext testContext) {
    app.caller.get("/echo?input_value=a+b", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.body()).isEqualTo("\"a b\"");
      testContext.completeNow();
    })));
  }

  @ParameterizedTest
  @ValueSource(strings = {"campaign?prompt", "echo?input_value"})
  void twentyOneCharactersIsTooLong(String endpoint, VertxTestContext testContext) {
    expectProblem(testContext, "/" + endpoint + "=" + encode("🚀".repeat(21)), parameter(endpoint), "maxLength",
        "is too long: at most 20 characters, got 21");
  }

  @ParameterizedTest
  @ValueSource(strings = {"campaign?prompt", "echo?input_value"})
  void emptyIsTooShort(String endpoint, VertxTestContext testContext) {
    expectProblem(testContext, "/" + endpoint + "=", parameter(endpoint), "minLength",
        "is too short: at least 1 character(s), got 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/campaign", "/echo", "/campaign?brand=Acme"})
  void missingIsRequired(String path, VertxTestContext testContext) {
    String name = path.startsWith("/campaign") ? "prompt" : "input_value";
    expectProblem(testContext, path, name, "required", "is required");
  }

  /** Control characters, line separators and bidi controls would break or reorder the text around the brand. */
  @ParameterizedTest
  @ValueSource(strings = {"%01", "a%0Ab", "tab%09", "%7F", "%C2%85", "a%E2%80%A8b", "%E2%80%A9", "%E2%80%AEdnarB",
      "a%E2%81%A6b%E2%81%A9", "%E2%80%8F", "%D8%9C"})
  void controlAndBidiCharactersAreRejected(String encoded, VertxTestContext testContext) {
    expectProblem(testContext, "/campaign?prompt=" + encoded, "prompt", "pattern", PATTERN_RULE);
  }

  /** Spaces of any kind, and nothing else: no brand. */
  @ParameterizedTest
  @ValueSource(strings = {"+", "%20%20%20", "%C2%A0", "%E3%80%80", "%E2%80%83+"})
  void whiteSpaceOnlyIsRejected(String encoded, VertxTestContext testContext) {
    expectProblem(testContext, "/campaign?prompt=" + encoded, "prompt", "pattern", PATTERN_RULE);
  }

  @Test
  void echoRefusesWhiteSpaceOnlyToo(VertxTestContext testContext) {
    expectProblem(testContext, "/echo?input_value=%20", "input_value", "pattern", PATTERN_RULE);
  }

  private static final String PATTERN_RULE =
      "must have a character other than white space, and no control, line-separator or bidi-control characters";

  private void expectProblem(VertxTestContext testContext, String uri, String parameter, String rule, String words) {
    app.caller.get(uri, null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(400);
      assertThat(seen.header("Content-Type")).isEqualTo("application/problem+json");
      JsonObject problem = seen.json();
      assertThat(problem.getString("title")).isEqualTo("Bad Request");
      assertThat(problem.getInteger("status")).isEqualTo(400);
      assertThat(problem.getString("parameter")).isEqualTo(parameter);
      assertThat(problem.getString("rule")).isEqualTo(rule);
      assertThat(problem.getString("detail")).isEqualTo("Query parameter '" + parameter + "' " + words);
      assertThat(app.upstream.requests()).isEmpty();
      testContext.completeNow();
    })));
  }

  private static String parameter(String endpoint) {
    return endpoint.substring(endpoint.indexOf('?') + 1);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
