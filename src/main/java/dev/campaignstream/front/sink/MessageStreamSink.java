package dev.campaignstream.front.sink;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A representation made of messages, each complete on its own: one per piece of text
 * ({@code {"text": ...}}), then one for the end (the finish reason, the token usage and whether
 * the campaign came from the cache) or, if the stream fails after it started, one for the error
 * in its place. The subclasses only frame the messages; what they say is the same in both.
 */
abstract class MessageStreamSink extends CampaignSink {

  private final String mediaType;

  MessageStreamSink(HttpServerResponse response, String prompt, String mediaType) {
    super(response, prompt);
    this.mediaType = mediaType;
  }

  /** Appends the message of piece {@code seq}, framing {@code json}, its {@code {"text": ...}}. */
  protected abstract void piece(StringBuilder out, long seq, String json);

  /** The last message of a complete campaign. */
  protected abstract String done(JsonObject end);

  /** The last message of a campaign that failed after it started. */
  protected abstract String error(JsonObject error);

  @Override
  public final void chunks(long firstSeq, List<String> texts) {
    head(mediaType, true);
    StringBuilder out = new StringBuilder();
    long seq = firstSeq;
    for (String text : texts) {
      // One per piece, so built without a map.
      piece(out, seq++, "{\"text\":" + Json.encode(text) + "}");
    }
    response.write(out.toString());
  }

  @Override
  public final void end(String finishReason, JsonObject usage) {
    head(mediaType, true);
    response.end(done(new JsonObject().put("finish_reason", finishReason).put("usage", usage).put("cached", cached)));
  }

  /** In the words of the problem document the caller would have got before any text. */
  @Override
  protected final void failStarted(StreamError error) {
    response.end(error(new JsonObject().put("status", error.status()).put("detail", error.detail())));
  }
}
