package dev.campaignstream.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * Traces campaign requests only: a server span of any other path (probes, metrics scrapes, the
 * docs) is dropped, and so is whatever it leads to on this node (a readiness probe's bus request),
 * whichever sampler the operator chose. Everything else is the operator's sampler's decision
 * ({@code OTEL_TRACES_SAMPLER}).
 */
final class CampaignSampler implements Sampler {

  static final String CAMPAIGN_PATH = "/campaign";
  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  private final Sampler delegate;

  CampaignSampler(Sampler delegate) {
    this.delegate = delegate;
  }

  @Override
  public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
      Attributes attributes, List<LinkData> parentLinks) {
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    if (parent.isValid() && !parent.isRemote() && !parent.isSampled()) {
      return SamplingResult.drop();
    }
    if (spanKind == SpanKind.SERVER && attributes.get(URL_PATH) != null
        && !CAMPAIGN_PATH.equals(attributes.get(URL_PATH))) {
      return SamplingResult.drop();
    }
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "CampaignSampler{" + delegate.getDescription() + "}";
  }
}
