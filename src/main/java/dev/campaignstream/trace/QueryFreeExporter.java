package dev.campaignstream.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/**
 * Exports spans without any request's query: Vert.x records a server request's query string
 * ({@code url.query}, and inside {@code http.url}), which holds the brand and whatever else a caller
 * typed. The brand reaches a trace only as the GenAI span's input, when the operator turns content on.
 */
final class QueryFreeExporter implements SpanExporter {

  private static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  private static final List<AttributeKey<String>> URLS =
      List.of(AttributeKey.stringKey("http.url"), AttributeKey.stringKey("url.full"));

  private final SpanExporter delegate;

  QueryFreeExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans.stream().map(QueryFreeExporter::withoutQuery).toList());
  }

  static SpanData withoutQuery(SpanData span) {
    Attributes attributes = span.getAttributes();
    if (attributes.get(URL_QUERY) == null && URLS.stream().noneMatch(key -> hasQuery(attributes.get(key)))) {
      return span;
    }
    AttributesBuilder kept = attributes.toBuilder().remove(URL_QUERY);
    for (AttributeKey<String> key : URLS) {
      String url = attributes.get(key);
      if (hasQuery(url)) {
        kept.put(key, url.substring(0, url.indexOf('?')));
      }
    }
    Attributes scrubbed = kept.build();
    return new DelegatingSpanData(span) {
      @Override
      public Attributes getAttributes() {
        return scrubbed;
      }

      @Override
      public int getTotalAttributeCount() {
        return span.getTotalAttributeCount() - (attributes.size() - scrubbed.size());
      }
    };
  }

  private static boolean hasQuery(String url) {
    return url != null && url.indexOf('?') >= 0;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
