package dev.campaignstream.front.sink;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Raw UTF-8 text, chunked, each piece flushed as it arrives (what {@code curl -N} shows); pieces
 * that are already waiting (a caller behind, a cache hit) go out together.
 */
final class PlainTextSink extends CampaignSink {

  PlainTextSink(io.vertx.core.http.HttpServerResponse response, String prompt) {
    super(response, prompt);
  }

  @Override
  public void chunks(long firstSeq, List<String> texts) {
    head("text/plain; charset=utf-8", true);
    if (texts.size() == 1) {
      response.write(texts.get(0));
      return;
    }
    Buffer joined = Buffer.buffer();
    texts.forEach(joined::appendString);
    response.write(joined);
  }

  @Override
  public void end(String finishReason, JsonObject usage) {
    head("text/plain; charset=utf-8", true);
    response.end();
  }

  /**
   * Plain text has no room for an error marker: the connection is reset before the terminating
   * chunk, so every HTTP client reports a truncated transfer instead of a clean end.
   */
  @Override
  protected void failStarted(StreamError error) {
    response.reset();
  }
}
