package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.RawRequest;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A query that cannot be decoded, or that names a parameter twice, is the caller's mistake: a 400
 * problem naming the parameter and the rule, never a 500 and never an ERROR line. Sent on a raw
 * socket, since an HTTP client would re-encode what is under test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class QueryDecodingTest {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    logged.start();
    root.addAppender(logged);
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(List.of("ok")));
      testContext.completeNow();
    }));
  }

  @AfterEach
  void release() {
    root.detachAppender(logged);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%zz", "Acme%", "Acme%4", "%%41", "100%G0"})
  void aMalformedEscapeIsABadRequest(String brand, Vertx vertx, VertxTestContext testContext) {
    expectProblem(vertx, testContext, "/campaign?prompt=" + brand, "prompt", "encoding",
        "has a malformed percent-escape: '%' must be followed by two hex digits");
  }

  /** {@code %ff} is no UTF-8 byte, {@code %c3%28} a broken sequence, {@code %ed%a0%80} a lone surrogate, {@code %c0%af} overlong. */
  @ParameterizedTest
  @ValueSource(strings = {"%ff", "%c3%28", "%ed%a0%80", "a%ed%b0%80b", "%c0%af", "%e2%82"})
  void invalidUtf8IsABadRequest(String brand, Vertx vertx, VertxTestContext testContext) {
    expectProblem(vertx, testContext, "/campaign?prompt=" + brand, "prompt", "encoding",
        "is not valid UTF-8 once percent-decoded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"%zz", "%ff", "%c3%28"})
  void echoGetsTheSameTreatment(String value, Vertx vertx, VertxTestContext testContext) {
    RawRequest.get(vertx, app.caller.port(), "/echo?input_value=" + value)
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status()).as(seen.body()).isEqualTo(400);
          assertThat(seen.json().getString("parameter")).isEqualTo("input_value");
          assertThat(seen.json().getString("rule")).isEqualTo("encoding");
          assertNoErrorLogged();
          testContext.completeNow();
        })));
  }

  @Test
  void aBadEscapeInAnotherParameterNamesThatParameter(Vertx vertx, VertxTestContext testContext) {
    expectProblem(vertx, testContext, "/campaign?prompt=Acme&utm=%zz", "utm", "encoding",
        "has a malformed percent-escape: '%' must be followed by two hex digits");
  }

  @Test
  void aRepeatedPromptIsABadRequest(Vertx vertx, VertxTestContext testContext) {
    expectProblem(vertx, testContext, "/campaign?prompt=Acme&prompt=Other", "prompt", "single",
        "must be given once");
  }

  @Test
  void parameterNamesAreExact(Vertx vertx, VertxTestContext testContext) {
    expectProblem(vertx, testContext, "/campaign?Prompt=Acme", "prompt", "required", "is required");
  }

  /** Raw UTF-8 bytes in the request line, as some clients send them, are the characters they encode. */
  @Test
  void rawUtf8BytesAreTheirCharacters(Vertx vertx, VertxTestContext testContext) {
    String rawBytes = new String("Café".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
    RawRequest.get(vertx, app.caller.port(), "/echo?input_value=" + rawBytes)
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status()).as(seen.body()).isEqualTo(200);
          assertThat(seen.body()).isEqualTo("\"Café\"");
          testContext.completeNow();
        })));
  }

  private void expectProblem(Vertx vertx, VertxTestContext testContext, String target, String parameter, String rule,
      String words) {
    RawRequest.get(vertx, app.caller.port(), target).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status()).as(seen.body()).isEqualTo(400);
      assertThat(seen.head()).containsIgnoringCase("Content-Type: application/problem+json");
      JsonObject problem = seen.json();
      assertThat(problem.getString("title")).isEqualTo("Bad Request");
      assertThat(problem.getString("parameter")).isEqualTo(parameter);
      assertThat(problem.getString("rule")).isEqualTo(rule);
      assertThat(problem.getString("detail")).isEqualTo("Query parameter '" + parameter + "' " + words);
      assertThat(app.upstream.requests()).isEmpty();
      assertNoErrorLogged();
      testContext.completeNow();
    })));
  }

  private void assertNoErrorLogged() {
    assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }
}
