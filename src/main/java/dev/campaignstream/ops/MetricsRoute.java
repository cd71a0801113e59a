package dev.campaignstream.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: Prometheus text, when the node runs with metrics (the default). */
public final class MetricsRoute {

  /**
   * The Prometheus text format version 0.0.4, which {@link PrometheusMeterRegistry#scrape()} writes.
   * The Prometheus library names it ({@code PrometheusTextFormatWriter.CONTENT_TYPE}), but only on the
   * runtime classpath; depending on it to save one literal would not pay.
   */
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsRoute() {
  }

  /** The scrape of {@code vertx}'s registry. */
  public static Handler<RoutingContext> create(Vertx vertx) {
    MeterRegistry registry = MetricsSetup.registry(vertx);
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      // Rendered on a worker thread, not on the event loop as PrometheusScrapingHandler does: a scrape
      // takes about 5 ms once warm and 26 to 50 ms the first times, during which every stream of the
      // loop would stand still.
      return rc -> rc.vertx().executeBlocking(prometheus::scrape, false)
          .onSuccess(text -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_FORMAT).end(text))
          .onFailure(rc::fail);
    }
    return rc -> rc.response().setStatusCode(404)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
        .end(new JsonObject().put("title", "Not Found").put("status", 404)
            .put("detail", "Metrics are disabled on this node").encode());
  }
}
