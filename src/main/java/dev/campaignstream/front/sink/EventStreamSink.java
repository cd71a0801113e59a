package dev.campaignstream.front.sink;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Server-sent events: {@code id: n} and {@code data: {"text": ...}} per piece of text, then
 * {@code event: done} (with {@code "cached": true} when the campaign came from the cache) or
 * {@code event: error}. What a browser's {@code EventSource} consumes; one that reconnects with
 * {@code Last-Event-ID} gets the events after that id.
 */
final class EventStreamSink extends MessageStreamSink {

  static final String MEDIA_TYPE = "text/event-stream; charset=utf-8";

  EventStreamSink(HttpServerResponse response, String prompt) {
    super(response, prompt, MEDIA_TYPE);
  }

  @Override
  public boolean reconnects() {
    return true;
  }

  @Override
  protected void piece(StringBuilder out, long seq, String json) {
    out.append("id: ").append(seq).append("\ndata: ").append(json).append("\n\n");
  }

  @Override
  protected String done(JsonObject end) {
    return "event: done\ndata: " + end.encode() + "\n\n";
  }

  @Override
  protected String error(JsonObject error) {
    return "event: error\ndata: " + error.encode() + "\n\n";
  }
}
