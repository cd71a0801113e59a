package dev.campaignstream.front.edge;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * Which pages on other origins may call the service from a browser ({@code CORS_ALLOWED_ORIGINS}):
 * exact origins, compared as text with the request's {@code Origin}. A listed origin gets vertx-web's
 * {@link CorsHandler} (preflights answered, the service's headers exposed); any other origin gets no
 * CORS header at all and is served as before, so its browser keeps the answer from its page.
 * Nothing a caller sends is kept or echoed unless it is one of the configured origins.
 */
public final class CrossOrigin {

  /** Request headers a browser caller may send beyond the safelisted ones. */
  static final Set<String> ALLOWED_HEADERS = Set.of("Authorization", "Last-Event-ID", "Cache-Control", "Accept",
      "X-Request-Id", "traceparent", "tracestate");
  /** Response headers a browser caller may read beyond the safelisted ones. */
  static final Set<String> EXPOSED_HEADERS = Set.of("X-Campaign-Cache", "X-Campaign-Simulated", "X-Request-Id",
      "Retry-After", "RateLimit", "RateLimit-Policy", "WWW-Authenticate");
  /** How long a browser may reuse a preflight's answer (Chromium caps it at two hours). */
  private static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  private final Set<String> origins;
  private final CorsHandler cors;

  private CrossOrigin(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.cors = origins.isEmpty() ? null : CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD))
        .allowedHeaders(ALLOWED_HEADERS)
        .exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS);
  }

  /** The policy for these origins; none answers no cross-origin caller. */
  public static CrossOrigin allowing(List<String> origins) {
    return new CrossOrigin(origins);
  }

  /** A CORS preflight from a listed origin, which the router's {@link #handler()} answers. */
  boolean isAllowedPreflight(HttpServerRequest request) {
    return request.method() == HttpMethod.OPTIONS
        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null
        && allows(request.getHeader(HttpHeaders.ORIGIN));
  }

  private boolean allows(String origin) {
    return origin != null && origins.contains(origin);
  }

  /** The router's first handler: CORS for listed origins, nothing for the rest. */
  public Handler<RoutingContext> handler() {
    return rc -> {
      if (cors == null) {
        rc.next();
        return;
      }
      // Answers differ by Origin, so caches must keep them apart, whoever asked first.
      rc.response().headers().add(HttpHeaders.VARY, HttpHeaders.ORIGIN);
      if (allows(rc.request().getHeader(HttpHeaders.ORIGIN))) {
        cors.handle(rc);
      } else {
        rc.next();
      }
    };
  }
}
