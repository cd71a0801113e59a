package dev.campaignstream.front.sink;

import dev.campaignstream.front.Problem;
import dev.campaignstream.sharing.CacheResult;

import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Writes one campaign stream to its caller in one representation. The status line is held back
 * until the first piece of text, so a failure before it is still a proper error status.
 */
public abstract class CampaignSink {

  static final String SIMULATED_HEADER = "X-Campaign-Simulated";
  private static final int WRITE_QUEUE_MAX_BYTES = 16 * 1024;

  protected final HttpServerResponse response;
  protected final String prompt;
  protected OpenAck ack;
  /** Whether the campaign comes from the cache, which the event stream's done event tells. */
  protected boolean cached;

  protected CampaignSink(HttpServerResponse response, String prompt) {
    this.response = response;
    this.prompt = prompt;
  }

  /**
   * @param unchunked the caller speaks HTTP/1.0, which has no chunked encoding: a text body then
   *                  ends only by the connection closing, so a cut would look like a clean end
   */
  public static CampaignSink create(Representation representation, HttpServerResponse response, String prompt,
      boolean unchunked) {
    return switch (representation) {
      case PLAIN -> unchunked ? new WholePlainTextSink(response, prompt) : new PlainTextSink(response, prompt);
      case EVENT_STREAM -> new EventStreamSink(response, prompt);
      case JSON -> new JsonSink(response, prompt);
      case NDJSON -> new NdjsonSink(response, prompt);
    };
  }

  /** How the campaign is answered; set before anything is written. */
  public void cacheResult(CacheResult result) {
    cached = result == CacheResult.HIT;
    response.putHeader(CacheResult.HEADER, result.value());
  }

  /** A worker took the stream. */
  public void accepted(OpenAck ack) {
    this.ack = ack;
  }

  /**
   * Pieces {@code firstSeq}, {@code firstSeq + 1}, ... in one write: a caller who is behind gets
   * what is waiting for it in one go, not one write and flush per piece.
   */
  public abstract void chunks(long firstSeq, List<String> texts);

  public abstract void end(String finishReason, JsonObject usage);

  /** The stream failed: an error status if nothing was sent yet, else the representation's error marker. */
  public void fail(StreamError error) {
    if (response.headWritten()) {
      failStarted(error);
    } else {
      Problem.of(error).send(response);
    }
  }

  /** Ends a response that already sent text, so that the caller cannot take it for complete. */
  protected abstract void failStarted(StreamError error);

  /**
   * Whether a client of this representation reconnects by itself when its connection drops, and
   * continues where it was: only an event stream's ({@code EventSource}, with {@code Last-Event-ID}).
   */
  public boolean reconnects() {
    return false;
  }

  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  public void drainHandler(Handler<Void> handler) {
    response.drainHandler(handler);
  }

  /** Commits the status line and headers of a successful answer. */
  protected void head(String contentType, boolean chunked) {
    if (response.headWritten()) {
      return;
    }
    response.setStatusCode(200)
        // What a slow caller's connection may hold before credit stops (Netty's default is 64 KB):
        // with thousands of slow readers, this is most of the memory they cost.
        .setWriteQueueMaxSize(WRITE_QUEUE_MAX_BYTES)
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
