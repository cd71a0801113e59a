package dev.campaignstream.front.sink;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Newline-delimited JSON, the form Ollama-style LLM clients read: one object per line,
 * {@code {"text": ...}} per piece, then {@code {"done": true, ...}} with the finish reason, the
 * usage and whether the campaign came from the cache, or {@code {"error": {...}}} in its place
 * when the stream fails after it started. Each line parses on its own, so a reader acts on it as
 * it arrives; a stream without its {@code done} line is incomplete, whatever ended it.
 */
final class NdjsonSink extends MessageStreamSink {

  static final String MEDIA_TYPE = "application/x-ndjson";

  NdjsonSink(HttpServerResponse response, String prompt) {
    super(response, prompt, MEDIA_TYPE);
  }

  @Override
  protected void piece(StringBuilder out, long seq, String json) {
    out.append(json).append('\n');
  }

  @Override
  protected String done(JsonObject end) {
    return new JsonObject().put("done", true).mergeIn(end).encode() + "\n";
  }

  @Override
  protected String error(JsonObject error) {
    return new JsonObject().put("error", error).encode() + "\n";
  }
}
