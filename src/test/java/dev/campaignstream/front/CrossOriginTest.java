package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code CORS_ALLOWED_ORIGINS} over real sockets: a listed origin's preflight is answered for the
 * headers browser callers send and its responses expose the service's headers; any other origin,
 * or none configured, gets no CORS header and the gate answers as before. The browser's side of
 * it is in {@code CrossOriginBrowserIT}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(20)
class CrossOriginTest {

  private static final String ALLOWED = "http://app.example.test:3000";
  private static final Map<String, String> PREFLIGHT = Map.of("Origin", ALLOWED,
      "Access-Control-Request-Method", "GET",
      "Access-Control-Request-Headers", "authorization,last-event-id,cache-control");

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(json, "http", "corsAllowedOrigins",
            "https://other.example.test, " + ALLOWED))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          testContext.completeNow();
        }));
  }

  @Test
  void preflightFromAListedOriginAllowsTheCallersHeaders(VertxTestContext testContext) {
    app.caller.request(HttpMethod.OPTIONS, "/campaign?prompt=Acme", PREFLIGHT, response -> { })
        .onComplete(testContext.succeeding(preflight -> testContext.verify(() -> {
          assertThat(preflight.status).isEqualTo(204);
          assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
          assertThat(list(preflight.header("Access-Control-Allow-Headers")))
              .contains("authorization", "last-event-id", "cache-control");
          assertThat(list(preflight.header("Access-Control-Allow-Methods"))).containsExactlyInAnyOrder("get", "head");
          assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("600");
          assertThat(preflight.header("Vary")).containsIgnoringCase("origin");
          assertThat(app.upstream.requests()).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void aListedOriginReadsTheServiceHeadersOfACampaignAndOfAProblem(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas("Hello", " world"));
    Map<String, String> headers = Map.of("Origin", ALLOWED, "Accept", "text/event-stream");
    app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme", headers, response -> { })
        .compose(campaign -> app.caller.request(HttpMethod.GET, "/campaign?prompt=123456789012345678901", headers,
            response -> { }).map(problem -> List.of(campaign, problem)))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          for (CallerResponse answer : answers) {
            assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
            assertThat(list(answer.header("Access-Control-Expose-Headers"))).contains("x-campaign-cache",
                "x-campaign-simulated", "x-request-id", "retry-after", "ratelimit", "ratelimit-policy",
                "www-authenticate");
            assertThat(answer.header("Vary")).containsIgnoringCase("origin");
          }
          assertThat(answers.get(0).status).isEqualTo(200);
          assertThat(answers.get(0).header("X-Campaign-Cache")).isEqualTo("miss");
          assertThat(answers.get(1).status).isEqualTo(400);
          testContext.completeNow();
        })));
  }

  @Test
  void anOriginNotListedGetsNoCorsHeaderAndIsServedAsBefore(VertxTestContext testContext) {
    Map<String, String> preflight = Map.of("Origin", "http://evil.example.test",
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    // Origins that differ only in case, scheme, port or a trailing slash are other origins.
    List<String> others = List.of("http://evil.example.test", "HTTP://APP.EXAMPLE.TEST:3000",
        "https://app.example.test:3000", "http://app.example.test", ALLOWED + "/", "null");
    app.upstream.enqueue(Behaviour.stream().withDeltas("Hello"));
    app.caller.request(HttpMethod.OPTIONS, "/campaign", preflight, response -> { })
        .compose(refused -> Future.all(others.stream().map(origin -> app.caller.request(HttpMethod.GET,
                "/echo?input_value=x", Map.of("Origin", origin), response -> { })).toList())
            .map(all -> {
              List<CallerResponse> seen = new java.util.ArrayList<>(all.<CallerResponse>list());
              seen.add(0, refused);
              return seen;
            }))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          CallerResponse refused = answers.get(0);
          assertThat(refused.status).isEqualTo(204);
          assertThat(refused.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
          for (CallerResponse answer : answers) {
            assertThat(answer.headers.names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
          }
          assertThat(answers.subList(1, answers.size())).allSatisfy(answer -> {
            assertThat(answer.status).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("\"x\"");
          });
          testContext.completeNow();
        })));
  }

  @Test
  void aListedOriginLoosensNoMethod(VertxTestContext testContext) {
    Map<String, String> fromAllowed = Map.of("Origin", ALLOWED);
    app.caller.request(HttpMethod.POST, "/campaign?prompt=Acme", fromAllowed, response -> { })
        .compose(post -> app.caller.request(HttpMethod.OPTIONS, "/campaign", fromAllowed, response -> { })
            .map(options -> List.of(post, options)))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          assertThat(answers.get(0).status).isEqualTo(405);
          assertThat(answers.get(0).header("Access-Control-Allow-Origin")).isNull();
          // An OPTIONS that is no preflight is the gate's, as without CORS.
          assertThat(answers.get(1).status).isEqualTo(204);
          assertThat(answers.get(1).header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
          assertThat(answers.get(1).header("Access-Control-Allow-Origin")).isNull();
          assertThat(app.upstream.requests()).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  void withNoOriginConfiguredNothingIsCrossOrigin(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx)
        .compose(plain -> plain.caller.request(HttpMethod.OPTIONS, "/campaign", PREFLIGHT, response -> { })
            .compose(preflight -> plain.caller.request(HttpMethod.GET, "/echo?input_value=x",
                Map.of("Origin", ALLOWED), response -> { }).map(get -> List.of(preflight, get))))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          assertThat(answers.get(0).status).isEqualTo(204);
          for (CallerResponse answer : answers) {
            assertThat(answer.headers.names()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
            assertThat(answer.header("Vary")).isNull();
          }
          testContext.completeNow();
        })));
  }

  @Test
  void withCallerKeysThePreflightNeedsNoKeyAndA401IsReadable(Vertx vertx, VertxTestContext testContext)
      throws Exception {
    Path keys = KeysFiles.write(Files.createTempDirectory("cors-keys").resolve("keys.yaml"),
        KeysFiles.entry("browser", "cs_browser-key-0123456789"));
    TestService.start(vertx, json -> KeysFiles.withKeys(TestService.with(json, "http", "corsAllowedOrigins", ALLOWED),
            keys))
        .compose(keyed -> keyed.caller.request(HttpMethod.OPTIONS, "/campaign?prompt=Acme", PREFLIGHT, response -> { })
            .compose(preflight -> keyed.caller.request(HttpMethod.GET, "/campaign?prompt=Acme",
                Map.of("Origin", ALLOWED), response -> { }).map(refused -> List.of(preflight, refused))))
        .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
          // Browsers send preflights without credentials: it must pass without a key.
          assertThat(answers.get(0).status).isEqualTo(204);
          assertThat(answers.get(0).header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
          CallerResponse refused = answers.get(1);
          assertThat(refused.status).isEqualTo(401);
          assertThat(refused.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
          assertThat(list(refused.header("Access-Control-Expose-Headers"))).contains("www-authenticate");
          assertThat(refused.json().getString("detail")).isNotBlank();
          testContext.completeNow();
        })));
  }

  private static List<String> list(String header) {
    assertThat(header).isNotNull();
    return List.of(header.toLowerCase().split(" *, *"));
  }
}
