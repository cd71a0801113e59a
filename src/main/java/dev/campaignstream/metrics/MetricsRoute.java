package dev.campaignstream.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/** {@code GET /metrics}: Prometheus text, when the node runs with metrics (the default). */
public final class MetricsRoute {

  private MetricsRoute() {
  }

  public static Handler<RoutingContext> create() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return PrometheusScrapingHandler.create(prometheus);
    }
    return rc -> rc.response().setStatusCode(404)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
        .end(new JsonObject().put("title", "Not Found").put("status", 404)
            .put("detail", "Metrics are disabled on this node").encode());
  }
}
