package dev.campaignstream.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;

/** A Vert.x instance whose HTTP server, HTTP client, event bus and JVM report to Prometheus. */
public final class MetricsSetup {

  private MetricsSetup() {
  }

  public static Vertx vertx() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // No path label: it would carry whatever paths callers invent.
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.REMOTE, Label.EB_ADDRESS, Label.EB_SIDE,
            Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME))
        // Inboxes are named per verticle instance; folded into one value each, so restarts add no series.
        .addLabelMatch(alias("campaign\\.inbox\\.http\\..*", "campaign.inbox.http"))
        .addLabelMatch(alias("campaign\\.inbox\\.worker\\..*", "campaign.inbox.worker"))
        .addLabelMatch(alias("__vertx\\.reply\\..*", "reply"))
        .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
            .setType(MatchType.REGEX).setValue(".*"));
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory())
        .build();
  }

  private static Match alias(String pattern, String alias) {
    return new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
        .setType(MatchType.REGEX).setValue(pattern).setAlias(alias);
  }
}
