package dev.campaignstream.front.sink;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Server-sent events: {@code id: n} and {@code data: {"text": ...}} per piece of text, then
 * {@code event: done} (with {@code "cached": true} when the campaign came from the cache) or
 * {@code event: error}. What a browser's {@code EventSource} consumes; one that reconnects with
 * {@code Last-Event-ID} gets the events after that id.
 */
final class EventStreamSink extends CampaignSink {

  static final String MEDIA_TYPE = "text/event-stream; charset=utf-8";

  EventStreamSink(HttpServerResponse response, String prompt) {
    super(response, prompt);
  }

  @Override
  public void chunks(long firstSeq, List<String> texts) {
    head(MEDIA_TYPE, true);
    StringBuilder events = new StringBuilder();
    long seq = firstSeq;
    for (String text : texts) {
      events.append("id: ").append(seq++).append("\ndata: {\"text\":").append(Json.encode(text)).append("}\n\n");
    }
    response.write(events.toString());
  }

  @Override
  public void end(String finishReason, JsonObject usage) {
    head(MEDIA_TYPE, true);
    JsonObject done = new JsonObject().put("finish_reason", finishReason).put("usage", usage).put("cached", cached);
    response.end("event: done\ndata: " + done.encode() + "\n\n");
  }

  @Override
  protected void failStarted(StreamError error) {
    JsonObject data = new JsonObject().put("status", error.status()).put("detail", error.detail());
    response.end("event: error\ndata: " + data.encode() + "\n\n");
  }
}
