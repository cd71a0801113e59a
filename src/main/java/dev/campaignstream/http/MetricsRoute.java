package dev.campaignstream.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

/** {@code GET /metrics}: Prometheus text, when the node runs with metrics (the default). */
final class MetricsRoute {

  private MetricsRoute() {
  }

  static Handler<RoutingContext> create() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return PrometheusScrapingHandler.create(prometheus);
    }
    return rc -> Problem.of(404, "Metrics are disabled on this node").send(rc.response());
  }
}
