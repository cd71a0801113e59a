package dev.campaignstream.front.sink;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Collects the whole campaign and answers once, as {@code application/json}. */
final class JsonSink extends CampaignSink {

  private final StringBuilder text = new StringBuilder();

  JsonSink(HttpServerResponse response, String prompt) {
    super(response, prompt);
  }

  @Override
  public void chunks(long firstSeq, List<String> pieces) {
    pieces.forEach(text::append);
  }

  @Override
  public void end(String finishReason, JsonObject usage) {
    head("application/json", false);
    JsonObject body = new JsonObject()
        .put("prompt", prompt)
        .put("campaign", text.toString())
        .put("model", ack == null ? null : ack.model())
        .put("finish_reason", finishReason)
        .put("usage", usage);
    response.end(body.encode());
  }

  /** Unreachable: the head is written only by {@link #end}. Reset rather than pretend. */
  @Override
  protected void failStarted(StreamError error) {
    response.reset();
  }

  /** The text is held in memory until the end, so the caller's socket never holds credit back. */
  @Override
  public boolean writeQueueFull() {
    return false;
  }
}
