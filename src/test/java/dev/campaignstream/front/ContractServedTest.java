package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIContractException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract is served to consumers exactly as written (YAML, and the same document as JSON),
 * the interactive docs work offline, and every operation the contract names is really answered.
 */
@ExtendWith(VertxExtension.class)
class ContractServedTest {

  private static final List<String> HTTP_METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final String PROBLEM_REF = "#/components/schemas/Problem";

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      testContext.completeNow();
    }));
  }

  // ------------------------------------------------------------------ the document, as served

  @Test
  void yamlIsServedByteForByteAsTheClasspathResource(VertxTestContext testContext) {
    byte[] expected = resource(ApiContract.RESOURCE);
    app.caller.get("/openapi.yaml", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.header("Content-Type")).isEqualTo("application/yaml; charset=utf-8");
      assertThat(bytes(seen)).isEqualTo(expected);
      assertThat(seen.header("Content-Length")).isEqualTo(Integer.toString(expected.length));
      testContext.completeNow();
    })));
  }

  @Test
  void jsonIsTheWholeYamlDocumentNotTheRoutersCopy(VertxTestContext testContext) {
    JsonObject expected = parsedYaml();
    app.caller.get("/openapi.json", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      assertThat(seen.status).isEqualTo(200);
      assertThat(seen.header("Content-Type")).isEqualTo("application/json");
      JsonObject served = seen.json();
      assertThat(served).isEqualTo(expected);
      // What the router's copy goes without, consumers still get.
      assertThat(served.getJsonArray("servers")).isEqualTo(new JsonArray().add(new JsonObject().put("url", "/")));
      JsonObject campaign200 = served.getJsonObject("paths").getJsonObject("/campaign").getJsonObject("get")
          .getJsonObject("responses").getJsonObject("200");
      assertThat(campaign200.getJsonObject("content").fieldNames())
          .containsExactly("text/plain", "text/event-stream", "application/json", "application/x-ndjson");
      assertThat(campaign200.getJsonObject("content").getJsonObject("text/event-stream").getJsonObject("schema")
          .getString("type")).isEqualTo("string");
      assertThat(served.getJsonObject("components").getJsonObject("responses").getJsonObject("BadRequest")
          .getJsonObject("content").getJsonObject("application/problem+json")).isNotNull();
      testContext.completeNow();
    })));
  }

  // ------------------------------------------------------------------ the docs

  @Test
  void docsRedirectsToTheDirectoryWhichIsThePage(VertxTestContext testContext) {
    app.caller.get("/docs", null)
        .compose(redirect -> {
          testContext.verify(() -> {
            assertThat(redirect.status).isEqualTo(302);
            assertThat(redirect.header("Location")).isEqualTo("/docs/");
          });
          return app.caller.get(redirect.header("Location"), "text/html");
        })
        .onComplete(testContext.succeeding(followed -> testContext.verify(() -> {
          // A browser following the redirect must land on the page, not be redirected again.
          assertThat(followed.status).as("GET /docs/ answered with headers %s", followed.headers).isEqualTo(200);
          assertThat(followed.header("Location")).isNull();
          testContext.completeNow();
        })));
  }

  @Test
  void docsDirectoryServesSwaggerUiIndexFromTheWebjar(VertxTestContext testContext) {
    byte[] expected = resource(webjar() + "index.html");
    app.caller.get("/docs/", null).onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
      // Vert.x matches the route "/docs" for "/docs/" too: a redirect there would loop forever.
      assertThat(seen.status).as("GET /docs/ answered with headers %s", seen.headers).isEqualTo(200);
      assertThat(seen.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
      assertThat(bytes(seen)).isEqualTo(expected);
      assertThat(seen.body()).contains("<div id=\"swagger-ui\"></div>", "src=\"./swagger-initializer.js\"");
      testContext.completeNow();
    })));
  }

  @Test
  void initializerPointsAtThisServicesOwnContract(VertxTestContext testContext) {
    app.caller.get("/docs/swagger-initializer.js", null)
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.header("Content-Type")).isEqualTo("application/javascript; charset=utf-8");
          assertThat(seen.body()).contains("url: \"../openapi.json\"", "dom_id: \"#swagger-ui\"")
              .doesNotContain("petstore");
          // Resolved against /docs/, the page loads /openapi.json: the full document.
          assertThat(URI.create("http://host/docs/").resolve("../openapi.json").getPath())
              .isEqualTo("/openapi.json");
          testContext.completeNow();
        })));
  }

  @Test
  void swaggerUiScriptsAreServedFromTheWebjarWithoutNetwork(VertxTestContext testContext) {
    byte[] bundle = resource(webjar() + "swagger-ui-bundle.js");
    byte[] preset = resource(webjar() + "swagger-ui-standalone-preset.js");
    app.caller.get("/docs/swagger-ui-bundle.js", null)
        .compose(first -> app.caller.get("/docs/swagger-ui-standalone-preset.js", null).map(second -> List.of(first,
            second)))
        .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
          assertThat(bundle.length).isGreaterThan(100_000);
          for (CallerResponse seen : both) {
            assertThat(seen.status).isEqualTo(200);
            assertThat(seen.header("Content-Type")).isEqualTo("text/javascript;charset=UTF-8");
          }
          assertThat(bytes(both.get(0))).isEqualTo(bundle);
          assertThat(bytes(both.get(1))).isEqualTo(preset);
          testContext.completeNow();
        })));
  }

  // ------------------------------------------------------------------ contract completeness

  @Test
  void everyOperationInTheContractIsAnsweredByTheRunningService(VertxTestContext testContext) {
    JsonObject paths = ApiContract.load().json().getJsonObject("paths");
    Set<String> called = new TreeSet<>();
    List<String> names = new ArrayList<>();
    List<Future<CallerResponse>> calls = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : HTTP_METHODS) {
        JsonObject operation = item.getJsonObject(method);
        if (operation == null) {
          continue;
        }
        called.add(operation.getString("operationId"));
        String resolved = path;
        StringBuilder query = new StringBuilder();
        Map<String, String> headers = new HashMap<>();
        List<JsonObject> parameters = new ArrayList<>();
        item.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add((JsonObject) p));
        operation.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add((JsonObject) p));
        for (JsonObject parameter : parameters) {
          String name = parameter.getString("name");
          switch (parameter.getString("in")) {
            case "path" -> resolved = resolved.replace("{" + name + "}", "Acme");
            case "query" -> query.append(query.length() == 0 ? '?' : '&')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append("=Acme");
            case "header" -> headers.put(name, "Acme");
            default -> throw new AssertionError("Unexpected parameter location in " + parameter);
          }
        }
        String uri = resolved + query;
        names.add(method.toUpperCase() + " " + uri);
        calls.add(app.caller.request(HttpMethod.valueOf(method.toUpperCase()), uri, headers, response -> { }));
      }
    }
    Future.all(calls).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertThat(called).isEqualTo(ApiContract.load().operationIds())
          .containsExactlyInAnyOrder("page", "echo", "campaign", "contractYaml", "contractJson", "liveness",
              "readiness", "metrics");
      for (int i = 0; i < calls.size(); i++) {
        CallerResponse seen = calls.get(i).result();
        assertThat(seen.status).as(names.get(i) + " answered " + seen.status + ": " + seen.body()).isLessThan(500);
      }
      testContext.completeNow();
    })));
  }

  @Test
  void requireHandlersNamesTheOperationWithoutAHandler(Vertx vertx, VertxTestContext testContext) {
    Set<String> ids = ApiContract.load().operationIds();
    OpenAPIContract.from(vertx, ApiContract.load().forRouter())
        .onComplete(testContext.succeeding(contract -> testContext.verify(() -> {
          for (String missing : ids) {
            RouterBuilder builder = RouterBuilder.create(vertx, contract);
            for (String id : ids) {
              if (!id.equals(missing)) {
                builder.getRoute(id).addHandler(rc -> rc.response().end());
              }
            }
            List<OpenAPIRoute> routes = builder.getRoutes();
            assertThat(routes).hasSize(ids.size());
            assertThatThrownBy(() -> HttpVerticle.requireHandlers(routes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Operations in the contract without a handler: [" + missing + "]");
          }
          RouterBuilder none = RouterBuilder.create(vertx, contract);
          List<OpenAPIRoute> unhandled = none.getRoutes();
          assertThatThrownBy(() -> HttpVerticle.requireHandlers(unhandled))
              .isInstanceOf(IllegalStateException.class)
              .hasMessage("Operations in the contract without a handler: " + ids);
          RouterBuilder all = RouterBuilder.create(vertx, contract);
          ids.forEach(id -> all.getRoute(id).addHandler(rc -> rc.response().end()));
          List<OpenAPIRoute> handled = all.getRoutes();
          assertThatCode(() -> HttpVerticle.requireHandlers(handled)).doesNotThrowAnyException();
          testContext.completeNow();
        })));
  }

  /**
   * vertx-openapi 5.0.7 rejects the full document (response media types it does not know, a
   * relative server URL), hence {@link ApiContract#forRouter()}. When this test fails because the
   * full document is accepted, the workaround can go.
   */
  @Test
  void routerAcceptsTheStrippedCopyButRejectsTheFullDocument(Vertx vertx, VertxTestContext testContext) {
    ApiContract contract = ApiContract.load();
    OpenAPIContract.from(vertx, contract.forRouter())
        .onComplete(testContext.succeeding(accepted -> testContext.verify(() -> {
          assertThat(accepted.operations()).extracting(operation -> operation.getOperationId())
              .containsExactlyInAnyOrderElementsOf(contract.operationIds());
          OpenAPIContract.from(vertx, contract.json()).onComplete(full -> testContext.verify(() -> {
            assertThat(full.succeeded())
                .as("vertx-openapi now accepts the full contract: drop ApiContract.forRouter()'s stripping")
                .isFalse();
            assertThat(full.cause()).isInstanceOf(OpenAPIContractException.class);
            testContext.completeNow();
          }));
        })));
  }

  @Test
  void forRouterLeavesTheServedDocumentIntact() {
    ApiContract contract = ApiContract.load();
    JsonObject before = contract.json().copy();
    JsonObject stripped = contract.forRouter();
    assertThat(stripped.containsKey("servers")).isFalse();
    assertThat(stripped.getJsonObject("paths").getJsonObject("/campaign").getJsonObject("get")
        .getJsonObject("responses").getJsonObject("200").containsKey("content")).isFalse();
    assertThat(contract.json()).isEqualTo(before).isEqualTo(parsedYaml());
  }

  @Test
  void everyErrorCampaignCanAnswerIsDocumentedAsAProblemWithAnExample() {
    Map<Integer, String> titles = Map.of(400, "Bad Request", 406, "Not Acceptable", 410, "Gone",
        429, "Too Many Requests", 502, "Bad Gateway", 503, "Service Unavailable", 504, "Gateway Timeout");
    JsonObject document = ApiContract.load().json();
    JsonObject responses = document.getJsonObject("paths").getJsonObject("/campaign").getJsonObject("get")
        .getJsonObject("responses");
    JsonArray problemRequired = document.getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("Problem").getJsonArray("required");
    assertThat(problemRequired).containsExactly("title", "status", "detail");
    for (int status : new TreeSet<>(titles.keySet())) {
      JsonObject response = responses.getJsonObject(Integer.toString(status));
      assertThat(response).as("response %d of /campaign", status).isNotNull();
      if (response.containsKey("$ref")) {
        response = resolve(document, response.getString("$ref"));
      }
      assertThat(response.getString("description")).as("description of %d", status).isNotBlank();
      JsonObject content = response.getJsonObject("content");
      assertThat(content).as("content of %d", status).isNotNull();
      assertThat(content.fieldNames()).as("media types of %d", status).containsExactly(Problem.MEDIA_TYPE);
      JsonObject problem = content.getJsonObject(Problem.MEDIA_TYPE);
      assertThat(problem.getJsonObject("schema")).as("schema of %d", status)
          .isEqualTo(new JsonObject().put("$ref", PROBLEM_REF));
      JsonObject example = problem.getJsonObject("example");
      assertThat(example).as("example of %d", status).isNotNull();
      assertThat(example.fieldNames()).as("example of %d", status).containsAll(problemRequired.getList());
      assertThat(example.getInteger("status")).as("example of %d", status).isEqualTo(status);
      assertThat(example.getString("title")).as("example of %d", status).isEqualTo(titles.get(status));
      assertThat(example.getString("detail")).as("example of %d", status).isNotBlank();
    }
    // The statuses that come with Retry-After say so.
    for (String status : List.of("429", "503")) {
      assertThat(responses.getJsonObject(status).getJsonObject("headers").getJsonObject("Retry-After"))
          .as("Retry-After of %s", status)
          .isEqualTo(new JsonObject().put("$ref", "#/components/headers/RetryAfter"));
    }
  }

  @Test
  void theCacheHeadersAreInTheContract() {
    JsonObject campaign = ApiContract.load().json().getJsonObject("paths").getJsonObject("/campaign")
        .getJsonObject("get");
    Map<String, JsonObject> headers = new HashMap<>();
    campaign.getJsonArray("parameters").forEach(p -> {
      JsonObject parameter = (JsonObject) p;
      if ("header".equals(parameter.getString("in"))) {
        headers.put(parameter.getString("name"), parameter);
      }
    });
    assertThat(headers).containsOnlyKeys("Cache-Control", "Last-Event-ID");
    for (JsonObject header : headers.values()) {
      assertThat(header.getBoolean("required")).isFalse();
      assertThat(header.getJsonObject("schema")).isEqualTo(new JsonObject().put("type", "string"));
      assertThat(header.getString("description")).isNotBlank();
    }
    JsonObject cacheHeader = campaign.getJsonObject("responses").getJsonObject("200").getJsonObject("headers")
        .getJsonObject("X-Campaign-Cache");
    assertThat(cacheHeader.getJsonObject("schema").getJsonArray("enum"))
        .isEqualTo(new JsonArray().add("hit").add("miss").add("shared"));
  }

  // ------------------------------------------------------------------ helpers

  private static JsonObject resolve(JsonObject document, String ref) {
    assertThat(ref).startsWith("#/");
    JsonObject node = document;
    for (String key : ref.substring(2).split("/")) {
      node = node.getJsonObject(key);
      assertThat(node).as("target of %s", ref).isNotNull();
    }
    return node;
  }

  private static JsonObject parsedYaml() {
    String text = new String(resource(ApiContract.RESOURCE), StandardCharsets.UTF_8);
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    // Through text, so the comparison is of JSON values, whatever Java types the YAML parser chose.
    return new JsonObject(new JsonObject(tree).encode());
  }

  private static byte[] bytes(CallerResponse seen) {
    Buffer all = Buffer.buffer();
    seen.reads.forEach(all::appendBuffer);
    return all.getBytes();
  }

  private static String webjar() {
    Properties properties = new Properties();
    try (InputStream in = ContractServedTest.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      assertThat(in).as("swagger-ui webjar on the classpath").isNotNull();
      properties.load(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return "META-INF/resources/webjars/swagger-ui/" + properties.getProperty("version") + "/";
  }

  private static byte[] resource(String name) {
    try (InputStream in = ContractServedTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name + " on the classpath").isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
