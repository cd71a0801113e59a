package dev.campaignstream.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.impl.MicrometerMetrics;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/** Vert.x options under which the HTTP server, HTTP client, event bus and JVM report to Prometheus. */
public final class MetricsSetup {

  /** Numbers the registries, one per Vert.x instance built with these options. */
  private static final AtomicLong REGISTRIES = new AtomicLong();

  private MetricsSetup() {
  }

  /**
   * The registry {@code vertx} reports to, or null when it has no metrics. Taken from the instance
   * itself rather than by name: Vert.x keeps registries in a JVM-wide map, and an instance closing
   * removes its name's entry, even while another instance of the same JVM still reports to it.
   */
  public static MeterRegistry registry(Vertx vertx) {
    return vertx instanceof VertxInternal internal && internal.metrics() instanceof MicrometerMetrics metrics
        ? metrics.registry() : null;
  }

  /** A single-node Vert.x with metrics. */
  public static Vertx vertx() {
    return builder().build();
  }

  /** A builder with metrics on epoll (NIO where it is missing), to be completed (clustered) or built as it is. */
  public static VertxBuilder builder() {
    return builder(IoTransport.EPOLL);
  }

  /** The same on {@code transport}, or the one it falls back to. */
  public static VertxBuilder builder(IoTransport transport) {
    return builder(transport, options());
  }

  /** The same with {@code eventLoops} event loops (the node's, {@code AppConfig.eventLoops}). */
  public static VertxBuilder builder(IoTransport transport, int eventLoops) {
    return builder(transport, options(eventLoops));
  }

  /** The same with {@code options}, made from {@link #options()} (a clustered node adds its bus's). */
  public static VertxBuilder builder(IoTransport transport, VertxOptions options) {
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory())
        .withTransport(transport.resolve());
  }

  /** Options with metrics enabled and {@code eventLoops} event loops. */
  public static VertxOptions options(int eventLoops) {
    return options().setEventLoopPoolSize(eventLoops);
  }

  /** Options with metrics enabled. */
  public static VertxOptions options() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // A name of its own: instances sharing a name share one registry, which the first of them
        // to close takes away from the others (several instances run in one JVM in the tests).
        .setRegistryName("campaign-stream-" + REGISTRIES.incrementAndGet())
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // No method, path or remote address labels: they carry whatever callers invent (Vert.x
        // counts a request under its method before any handler can refuse it, and a label
        // rewrite would still key a meter lookup per raw value). Status codes are the service's.
        .setLabels(EnumSet.of(Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
        // Every chunk, credit and ping is a bus message, and Vert.x's bus metrics look their meters
        // up per message: a tenth of the CPU at 1,000 streams. campaign_* counts streams and chunks.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    // The transport itself is the builder's (IoTransport); this covers a builder given none.
    return new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true);
  }
}
