package dev.campaignstream.trace;

import static dev.campaignstream.trace.SpanAttributes.*;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * What the service adds to the HTTP server span Vert.x makes for a campaign request: who asked
 * (the caller key's name, never the key), and, when the caller's stream ends, how it was answered
 * (cache, outcome, error, time to first text). Vert.x ends the span once the response is written,
 * so everything here is set before the response ends.
 */
public class CallerSpan {

  /** Tracing off, or a request no trace records. */
  public static final CallerSpan NONE = new CallerSpan();


  private CallerSpan() {
  }

  static CallerSpan of(Span span) {
    return span.isRecording() ? new Recording(span) : NONE;
  }

  /** The request as the service names it. */
  public void started(String requestId, String callerKey) {
  }

  /**
   * The caller's stream ended.
   *
   * @param outcome        {@code completed}, {@code failed}, {@code timed_out}, {@code cancelled}, {@code rejected}
   * @param cache          how the cache answered ({@code hit}, {@code shared}, {@code miss}), or null
   * @param error          the kind of error the caller got, or null
   * @param errorStatus    its HTTP status (0 without an error)
   * @param firstTextMs    time from the request to the first text written, or -1 when none was
   * @param worker         the node whose worker wrote the campaign, or null
   */
  public void ended(String outcome, String cache, String error, int errorStatus, long firstTextMs, long chunks,
      String worker) {
  }

  private static final class Recording extends CallerSpan {

    private final Span span;

    Recording(Span span) {
      this.span = span;
    }

    @Override
    public void started(String requestId, String callerKey) {
      span.updateName("GET " + CampaignSampler.CAMPAIGN_PATH);
      span.setAttribute(ROUTE, CampaignSampler.CAMPAIGN_PATH);
      span.setAttribute(REQUEST_ID, requestId);
      if (callerKey != null) {
        span.setAttribute(CALLER_KEY, callerKey);
      }
    }

    @Override
    public void ended(String outcome, String cache, String error, int errorStatus, long firstTextMs, long chunks,
        String worker) {
      span.setAttribute(OUTCOME, outcome);
      if (cache != null) {
        span.setAttribute(CACHE, cache);
      }
      span.setAttribute(CHUNKS, chunks);
      if (firstTextMs >= 0) {
        span.setAttribute(FIRST_TOKEN_MS, firstTextMs);
      }
      if (worker != null) {
        span.setAttribute(WORKER, worker);
      }
      if (error != null) {
        span.setAttribute(ERROR_TYPE, error);
        // As HTTP's conventions have it: a server span fails on the service's errors, not the caller's.
        if (errorStatus >= 500) {
          span.setStatus(StatusCode.ERROR, error);
        }
      }
    }
  }
}
