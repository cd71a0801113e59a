package dev.campaignstream.http;

import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Writes one campaign stream to its caller in one representation. The status line is held back
 * until the first piece of text, so a failure before it is still a proper error status.
 */
abstract class CampaignSink {

  static final String SIMULATED_HEADER = "X-Campaign-Simulated";

  protected final HttpServerResponse response;
  protected final String prompt;
  protected OpenAck ack;
  /** Whether the campaign comes from the cache, which the event stream's done event tells. */
  protected boolean cached;

  CampaignSink(HttpServerResponse response, String prompt) {
    this.response = response;
    this.prompt = prompt;
  }

  static CampaignSink create(Representation representation, HttpServerResponse response, String prompt) {
    return switch (representation) {
      case PLAIN -> new PlainTextSink(response, prompt);
      case EVENT_STREAM -> new EventStreamSink(response, prompt);
      case JSON -> new JsonSink(response, prompt);
    };
  }

  /** How the campaign is answered; set before anything is written. */
  void cacheResult(CacheResult result) {
    cached = result == CacheResult.HIT;
    response.putHeader(CacheResult.HEADER, result.value());
  }

  /** A worker took the stream. */
  void accepted(OpenAck ack) {
    this.ack = ack;
  }

  abstract void chunk(long seq, String text);

  abstract void end(String finishReason, JsonObject usage);

  /** The stream failed: an error status if nothing was sent yet, else the representation's error marker. */
  void fail(StreamError error) {
    if (response.headWritten()) {
      failStarted(error);
    } else {
      Problem.of(error.status(), error.detail()).retryAfter(error.retryAfterSeconds()).send(response);
    }
  }

  /** Ends a response that already sent text, so that the caller cannot take it for complete. */
  abstract void failStarted(StreamError error);

  boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  /** Commits the status line and headers of a successful answer. */
  protected void head(String contentType, boolean chunked) {
    if (response.headWritten()) {
      return;
    }
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    if (chunked) {
      // Tell buffering proxies (nginx) to pass each piece on at once.
      response.setChunked(true).putHeader("X-Accel-Buffering", "no");
    }
    if (ack != null && ack.simulated()) {
      response.putHeader(SIMULATED_HEADER, "true");
    }
  }
}
