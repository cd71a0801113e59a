package dev.campaignstream.front;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Interactive documentation at {@code /docs}: Swagger UI from its webjar (no CDN, works
 * offline), pointed at this service's own {@code /openapi.json}.
 */
final class ApiDocs {

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String INITIALIZER = """
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "../openapi.json",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          layout: "StandaloneLayout"
        });
      };
      """;

  private ApiDocs() {
  }

  static void mount(Router router) {
    // Vert.x matches "/docs" for "/docs/" too: only the slash-less path is redirected.
    router.get("/docs").handler(rc -> {
      if (rc.request().path().endsWith("/")) {
        rc.next();
      } else {
        rc.redirect("/docs/");
      }
    });
    // The webjar's own initializer points at a demo API; this one points at ours.
    router.get("/docs/swagger-initializer.js").handler(rc -> rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/javascript; charset=utf-8")
        .end(INITIALIZER));
    router.get("/docs/*").handler(StaticHandler.create(WEBJAR + webjarVersion()).setCachingEnabled(true));
  }

  /** The webjar's version, read from its own Maven metadata so the pom names it once. */
  private static String webjarVersion() {
    String resource = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The swagger-ui webjar is missing from the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
