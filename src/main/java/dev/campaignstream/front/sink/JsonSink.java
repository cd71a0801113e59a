package dev.campaignstream.front.sink;

import dev.campaignstream.protocol.StreamError;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One {@code application/json} document, {@code {"prompt", "campaign", "model", "finish_reason",
 * "usage"}}, written as the campaign is (see {@link CampaignDocument}): its opening with the first
 * text, then each piece as it comes, then the closing fields. A client that reads the body as a
 * stream sees the campaign appear; one that parses it at the end gets the whole document.
 */
final class JsonSink extends CampaignSink {

  static final String MEDIA_TYPE = "application/json";

  private boolean opened;

  JsonSink(HttpServerResponse response, String prompt) {
    super(response, prompt);
  }

  @Override
  public void chunks(long firstSeq, List<String> pieces) {
    StringBuilder out = open();
    pieces.forEach(piece -> CampaignDocument.text(out, piece));
    response.write(out.toString());
  }

  @Override
  public void end(String finishReason, JsonObject usage) {
    StringBuilder out = open();
    CampaignDocument.closing(out, ack == null ? null : ack.model(), finishReason, usage);
    response.end(out.toString());
  }

  /**
   * A document cut inside its {@code campaign} string must not look complete: like plain text, the
   * response is reset before its terminating chunk, and what arrived does not parse as JSON.
   */
  @Override
  protected void failStarted(StreamError error) {
    response.reset();
  }

  /** What is still to be written, starting with the head and the document's opening the first time. */
  private StringBuilder open() {
    StringBuilder out = new StringBuilder();
    if (!opened) {
      opened = true;
      head(MEDIA_TYPE, true);
      CampaignDocument.opening(out, prompt);
    }
    return out;
  }
}
