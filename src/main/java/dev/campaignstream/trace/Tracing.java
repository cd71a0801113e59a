package dev.campaignstream.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The node's traces: off unless an OTLP endpoint is configured, in which case the OpenTelemetry SDK
 * is set up from the standard {@code OTEL_*} environment (the SDK's autoconfigure module reads it)
 * and handed to Vert.x, whose HTTP server, event bus and HTTP client then make the spans of a
 * campaign request; the service adds what only it knows ({@link CallerSpan}, {@link ChatSpan}).
 * Off, Vert.x has no tracer at all, and the service's own spans are no-ops.
 */
public final class Tracing {

  /** No tracer: nothing is recorded, nothing is sent, nothing is propagated. */
  public static final Tracing OFF = new Tracing(null, false);

  /** What the service sets unless the environment says otherwise. */
  private static final Map<String, String> DEFAULTS = Map.of(
      "otel.service.name", "campaign-stream",
      "otel.traces.exporter", "otlp",
      "otel.exporter.otlp.protocol", "http/protobuf",
      // Traces only: the service's metrics are Prometheus's, its logs logback's.
      "otel.metrics.exporter", "none",
      "otel.logs.exporter", "none",
      // W3C trace context only: a caller's baggage is not forwarded to OpenAI.
      "otel.propagators", "tracecontext");

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final boolean content;

  private Tracing(OpenTelemetrySdk sdk, boolean content) {
    this.sdk = sdk;
    this.tracer = sdk == null ? null : sdk.getTracer("dev.campaignstream");
    this.content = content;
  }

  /**
   * On when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or its traces-only form) is set, in the environment
   * or as a system property, and {@code OTEL_SDK_DISABLED} is not true.
   *
   * @param content whether spans may carry the brand and the campaign's text ({@code TRACE_CONTENT})
   */
  public static Tracing fromEnvironment(boolean content) {
    return fromEnvironment(content, System.getenv());
  }

  static Tracing fromEnvironment(boolean content, Map<String, String> environment) {
    Function<String, String> read = name -> {
      String property = System.getProperty(name.toLowerCase().replace('_', '.'));
      return property != null ? property : environment.get(name);
    };
    boolean endpoint = !isBlank(read.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
        || !isBlank(read.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    if (!endpoint || "true".equalsIgnoreCase(read.apply("OTEL_SDK_DISABLED"))) {
      return OFF;
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> DEFAULTS)
        .addSamplerCustomizer((sampler, properties) -> new CampaignSampler(sampler))
        .addSpanExporterCustomizer((exporter, properties) -> new QueryFreeExporter(exporter))
        // Flushed by the service's own shutdown, after the last streams have drained.
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Tracing(sdk, content);
  }

  public boolean on() {
    return sdk != null;
  }

  /** Whether spans carry the brand and the text. */
  public boolean content() {
    return content;
  }

  /** The builder with Vert.x's OpenTelemetry tracer when tracing is on, untouched otherwise. */
  public VertxBuilder install(VertxBuilder builder) {
    return sdk == null ? builder : builder.withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** The HTTP server span of the request being handled now, with the service's attributes to come. */
  public CallerSpan caller() {
    return sdk == null ? CallerSpan.NONE : CallerSpan.of(Span.current());
  }

  Tracer tracer() {
    return tracer;
  }

  /** Sends what is still buffered and stops; waits at most {@code timeoutMs}. */
  public void shutdown(long timeoutMs) {
    if (sdk != null) {
      CompletableResultCode done = sdk.shutdown();
      done.join(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
