package dev.campaignstream.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.DecodeException;
import java.io.IOException;

/**
 * The per-chunk fast path of {@link ChatChunk#parse}: reads choice 0's delta and finish reason
 * with jackson-core's streaming parser instead of building a tree of maps for every chunk (the
 * tree cost about a seventh of the service's CPU under load). Payloads it does not handle — an
 * error, a usage object — it hands back to the tree path by returning null.
 */
final class ChunkReader {

  private static final JsonFactory FACTORY = new JsonFactory();

  private ChunkReader() {
  }

  /** The chunk, or null when the payload needs the tree path. */
  static ChatChunk read(String data) {
    try (JsonParser parser = FACTORY.createParser(data)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("chat completion chunk is not a JSON object");
      }
      Choice chosen = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "error", "usage" -> {
            if (value != JsonToken.VALUE_NULL) {
              return null;
            }
          }
          case "choices" -> chosen = readChoices(parser, value);
          default -> parser.skipChildren();
        }
      }
      return chosen == null
          ? new ChatChunk(null, null, null, null)
          : new ChatChunk(chosen.content, chosen.finishReason, null, null);
    } catch (IOException e) {
      throw new DecodeException("chat completion chunk is not valid JSON: " + e.getMessage());
    }
  }

  /** The choice with index 0, else the first one, as the tree path picks it. */
  private static Choice readChoices(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_ARRAY) {
      throw new DecodeException("'choices' must be JsonArray");
    }
    Choice first = null;
    Choice indexZero = null;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("choices must hold objects");
      }
      Choice choice = readChoice(parser);
      if (first == null) {
        first = choice;
      }
      if (choice.indexZero && indexZero == null) {
        indexZero = choice;
      }
    }
    return indexZero != null ? indexZero : first;
  }

  private static Choice readChoice(JsonParser parser) throws IOException {
    Choice choice = new Choice();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "index" -> choice.indexZero = value == JsonToken.VALUE_NUMBER_INT && parser.getIntValue() == 0;
        case "finish_reason" -> choice.finishReason = text(parser, value, "finish_reason");
        case "delta" -> {
          if (value == JsonToken.START_OBJECT) {
            choice.content = readContent(parser);
          } else if (value != JsonToken.VALUE_NULL) {
            throw new DecodeException("'delta' must be JsonObject");
          }
        }
        default -> parser.skipChildren();
      }
    }
    return choice;
  }

  private static String readContent(JsonParser parser) throws IOException {
    String content = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("content")) {
        content = text(parser, value, "content");
      } else {
        parser.skipChildren();
      }
    }
    return content;
  }

  private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.VALUE_STRING) {
      throw new DecodeException("'" + field + "' must be String");
    }
    return parser.getText();
  }

  private static final class Choice {
    boolean indexZero;
    String content;
    String finishReason;
  }
}
