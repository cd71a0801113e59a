package dev.campaignstream.front.sink;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The JSON campaign document in the three parts it is written in, as the text is written: the
 * opening, up to the open {@code campaign} string; each piece of text, escaped inside it; the
 * closing fields. Put together they are byte for byte the document {@code JsonObject.encode()}
 * makes of the same fields in the same order: the same Jackson escapes (quotes, backslashes and
 * control characters escaped, everything else left as it is, so non-ASCII text goes out as
 * UTF-8, not escaped to ASCII).
 */
final class CampaignDocument {

  private static final JsonStringEncoder ESCAPES = JsonStringEncoder.getInstance();

  private CampaignDocument() {
  }

  /** {@code {"prompt":"...","campaign":"}: everything that is known before the text. */
  static void opening(StringBuilder out, String prompt) {
    out.append("{\"prompt\":").append(Json.encode(prompt)).append(",\"campaign\":\"");
  }

  /** One piece of the campaign's text, as it goes inside the open string. */
  static void text(StringBuilder out, String piece) {
    ESCAPES.quoteAsString(piece, out);
  }

  /** Closes the campaign string, then the fields known only at the end, then the document. */
  static void closing(StringBuilder out, String model, String finishReason, JsonObject usage) {
    out.append("\",\"model\":").append(Json.encode(model))
        .append(",\"finish_reason\":").append(Json.encode(finishReason))
        .append(",\"usage\":").append(Json.encode(usage))
        .append('}');
  }
}
