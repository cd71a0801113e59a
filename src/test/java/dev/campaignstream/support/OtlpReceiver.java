package dev.campaignstream.support;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: {@code POST /v1/traces} with an
 * {@code ExportTraceServiceRequest} in protobuf, answered with an empty {@code ExportTraceServiceResponse}.
 * Keeps every body as it came, and every span it held with its resource.
 */
public final class OtlpReceiver {

  /** One exported span, read from the wire. */
  public record ReceivedSpan(Map<String, String> resource, Span span) {

    public String traceId() {
      return hex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return hex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return hex(span.getParentSpanId().toByteArray());
    }

    public String name() {
      return span.getName();
    }

    public Span.SpanKind kind() {
      return span.getKind();
    }

    /** An attribute's value: a string, a long, or a list of strings for an array; null when absent. */
    public Object attribute(String key) {
      return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
          .map(kv -> value(kv.getValue())).orElse(null);
    }

    public List<String> attributeKeys() {
      return span.getAttributesList().stream().map(KeyValue::getKey).toList();
    }

    @Override
    public String toString() {
      return name() + " " + kind() + " " + spanId() + " <- " + parentSpanId() + " " + span.getAttributesList()
          .stream().map(kv -> kv.getKey() + "=" + value(kv.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
  }

  private final List<Buffer> bodies = new CopyOnWriteArrayList<>();
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private HttpServer server;

  public static Future<OtlpReceiver> start(Vertx vertx) {
    OtlpReceiver receiver = new OtlpReceiver();
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body -> {
          if (!request.path().equals("/v1/traces")
              || !"application/x-protobuf".equals(request.getHeader("Content-Type"))) {
            request.response().setStatusCode(404).end();
            return;
          }
          try {
            receiver.received(body);
          } catch (InvalidProtocolBufferException e) {
            request.response().setStatusCode(400).end();
            return;
          }
          request.response().putHeader("Content-Type", "application/x-protobuf")
              .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
        }))
        .listen(0, "127.0.0.1")
        .map(listening -> {
          receiver.server = listening;
          return receiver;
        });
  }

  private void received(Buffer body) throws InvalidProtocolBufferException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.getBytes());
    bodies.add(body);
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, String> resource = resourceSpans.getResource().getAttributesList().stream()
          .collect(Collectors.toMap(KeyValue::getKey, kv -> String.valueOf(value(kv.getValue())), (a, b) -> a));
      for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
        scope.getSpansList().forEach(span -> spans.add(new ReceivedSpan(resource, span)));
      }
    }
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} for this receiver. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Every export request's body, byte for byte as it was sent. */
  public List<Buffer> bodies() {
    return new ArrayList<>(bodies);
  }

  public List<ReceivedSpan> spans() {
    return new ArrayList<>(spans);
  }

  public List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static Object value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> value.getIntValue();
      case BOOL_VALUE -> value.getBoolValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
      default -> value.toString();
    };
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
