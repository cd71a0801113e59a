package dev.campaignstream.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the service writes on a request's server span, as the SDK exports it: the caller key's name
 * (caller keys come from the keys file, which the end-to-end trace test runs without), the outcome
 * and the error; and what it exports of Vert.x's own attributes: never the query.
 */
class CallerSpanTest {

  private final List<SpanData> exported = new CopyOnWriteArrayList<>();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(new QueryFreeExporter(new SpanExporter() {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
          exported.addAll(spans);
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
          return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
          return CompletableResultCode.ofSuccess();
        }
      })))
      .build();

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void namesTheCallerKeyNeverTheKey() {
    Span span = serverSpan();
    CallerSpan caller = CallerSpan.of(span);
    caller.started("req-1", "mobile-app");
    caller.ended("failed", "miss", "rate_limited", 429, -1, 0, null);
    span.end();

    SpanData data = exported.get(0);
    assertThat(data.getName()).isEqualTo("GET /campaign");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("campaign.caller_key"))).isEqualTo("mobile-app");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("campaign.request_id"))).isEqualTo("req-1");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("campaign.outcome"))).isEqualTo("failed");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("rate_limited");
    assertThat(data.getAttributes().get(AttributeKey.longKey("campaign.time_to_first_token_ms"))).isNull();
    // A refusal the caller can act on is no failure of the service's.
    assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void withoutKeysNoCallerIsNamedAndTheServicesErrorsMarkTheSpan() {
    Span span = serverSpan();
    CallerSpan caller = CallerSpan.of(span);
    caller.started("req-2", null);
    caller.ended("failed", "miss", "no_worker", 503, -1, 0, null);
    span.end();

    SpanData data = exported.get(0);
    assertThat(data.getAttributes().get(AttributeKey.stringKey("campaign.caller_key"))).isNull();
    assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void theQueryIsNeverExported() {
    Span span = provider.get("test").spanBuilder("GET").setSpanKind(SpanKind.SERVER)
        .setAttribute("http.url", "http://localhost:8080/campaign?prompt=Acme%20Coffee")
        .setAttribute("url.query", "prompt=Acme%20Coffee")
        .setAttribute("url.path", "/campaign")
        .startSpan();
    span.end();

    SpanData data = exported.get(0);
    assertThat(data.getAttributes().get(AttributeKey.stringKey("http.url"))).isEqualTo("http://localhost:8080/campaign");
    assertThat(data.getAttributes().get(AttributeKey.stringKey("url.query"))).isNull();
    assertThat(data.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/campaign");
    assertThat(data.getTotalAttributeCount()).isEqualTo(2);
  }

  @Test
  void aSpanNotSampledCostsNothingMore() {
    assertThat(CallerSpan.of(Span.getInvalid())).isSameAs(CallerSpan.NONE);
  }

  private Span serverSpan() {
    return provider.get("test").spanBuilder("GET").setSpanKind(SpanKind.SERVER).startSpan();
  }
}
