package dev.campaignstream.front.sink;

import dev.campaignstream.front.Problem;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Plain text for an HTTP/1.0 caller: held until the campaign is complete, then sent whole with
 * {@code Content-Length}. Without chunked encoding a streamed body ends when the connection
 * closes, cut or not; this way a cut is an error status, or a body shorter than its length. The
 * text held is the campaign's, which the cache bounds for every other caller too.
 */
final class WholePlainTextSink extends CampaignSink {

  private final Buffer text = Buffer.buffer();

  WholePlainTextSink(HttpServerResponse response, String prompt) {
    super(response, prompt);
  }

  @Override
  public void chunks(long firstSeq, List<String> texts) {
    texts.forEach(text::appendString);
  }

  @Override
  public void end(String finishReason, JsonObject usage) {
    head("text/plain; charset=utf-8", false);
    response.end(text);
  }

  @Override
  public void fail(StreamError error) {
    Problem.of(error).send(response);
  }

  /** Nothing is written before the end, so a failure always finds the head unsent. */
  @Override
  protected void failStarted(StreamError error) {
    response.reset();
  }
}
