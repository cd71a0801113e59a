package dev.campaignstream.front;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI document, the single source of truth of the API: loaded once from the classpath,
 * served to consumers as written, and handed to the router in a form it accepts.
 */
public final class ApiContract {

  public static final String RESOURCE = "openapi.yaml";

  private final String yaml;
  private final JsonObject json;

  private ApiContract(String yaml, JsonObject json) {
    this.yaml = yaml;
    this.json = json;
  }

  public static ApiContract load() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      return new ApiContract(text, new JsonObject(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document exactly as written, for {@code GET /openapi.yaml}. */
  public String yaml() {
    return yaml;
  }

  /** The whole document as JSON, for {@code GET /openapi.json} and the docs. */
  public JsonObject json() {
    return json;
  }

  /**
   * A copy for vertx-openapi 5.0.7's router. Its {@code OpenAPIContract.from} rejects response
   * media types it does not know ({@code text/event-stream}, {@code application/problem+json},
   * {@code application/yaml}) and a relative server URL ({@code /}, which lets generated clients
   * and the docs call whatever host serves the document). The router validates requests only and
   * mounts the routes at the root either way, so its copy goes without response bodies and
   * servers; consumers get the full document. It goes without security requirements too: the
   * builder would want a Vert.x authentication provider for each scheme, where the service checks
   * keys itself ({@code CallerAuthentication}, on the operations {@link #securedOperations()} names)
   * to answer with problem documents and count refusals.
   */
  public JsonObject forRouter() {
    JsonObject copy = json.copy();
    copy.remove("servers");
    copy.remove("security");
    copy.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject op) {
        op.remove("security");
        if (op.getJsonObject("responses") != null) {
          withoutContent(op.getJsonObject("responses"));
        }
      }
    }));
    JsonObject components = copy.getJsonObject("components");
    if (components != null && components.getJsonObject("responses") != null) {
      withoutContent(components.getJsonObject("responses"));
    }
    return copy;
  }

  private static void withoutContent(JsonObject responses) {
    responses.forEach(response -> ((JsonObject) response.getValue()).remove("content"));
  }

  /** Every operationId in the document. */
  public Set<String> operationIds() {
    Set<String> ids = new TreeSet<>();
    json.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject op && op.containsKey("operationId")) {
        ids.add(op.getString("operationId"));
      }
    }));
    return ids;
  }

  /** The operations that need a caller key: those whose {@code security}, or else the document's, is not empty. */
  public Set<String> securedOperations() {
    JsonArray global = json.getJsonArray("security", new JsonArray());
    Set<String> ids = new TreeSet<>();
    json.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation -> {
      if (operation.getValue() instanceof JsonObject op && op.containsKey("operationId")) {
        JsonArray security = op.getJsonArray("security", global);
        boolean open = security.isEmpty() || security.stream().anyMatch(requirement ->
            requirement instanceof JsonObject alternative && alternative.isEmpty());
        if (!open) {
          ids.add(op.getString("operationId"));
        }
      }
    }));
    return ids;
  }
}
