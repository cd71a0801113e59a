package dev.campaignstream.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;

/** Vert.x options under which the HTTP server, HTTP client, event bus and JVM report to Prometheus. */
public final class MetricsSetup {

  private MetricsSetup() {
  }

  /** A single-node Vert.x with metrics. */
  public static Vertx vertx() {
    return builder().build();
  }

  /** A builder with metrics, to be completed (clustered) or built as it is. */
  public static VertxBuilder builder() {
    return Vertx.builder().with(options()).withMetrics(new MicrometerMetricsFactory());
  }

  /** Options with metrics enabled. */
  public static VertxOptions options() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // No path label: it would carry whatever paths callers invent.
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.REMOTE, Label.EB_ADDRESS, Label.EB_SIDE,
            Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME))
        // Reply addresses are made per request: folded into one value.
        .addLabelMatch(alias("__vertx\\.reply\\..*", "reply"))
        .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
            .setType(MatchType.REGEX).setValue(".*"));
    return new VertxOptions().setMetricsOptions(metrics);
  }

  private static Match alias(String pattern, String alias) {
    return new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
        .setType(MatchType.REGEX).setValue(pattern).setAlias(alias);
  }
}
