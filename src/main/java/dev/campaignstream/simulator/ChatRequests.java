package dev.campaignstream.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads and minimally validates a chat completion request body, answering like OpenAI does. */
final class ChatRequests {

  private ChatRequests() {
  }

  /** The OpenAI error body for an invalid request, or null when the request is acceptable. */
  static JsonObject validate(JsonObject body) {
    if (body == null) {
      return Behaviour.error("We could not parse the JSON body of your request. The OpenAI API expects a JSON"
        + " payload, but what was sent was not valid JSON.", "invalid_request_error", null, null);
    }
    Object model = body.getValue("model");
    if (!(model instanceof String) || ((String) model).isEmpty()) {
      return Behaviour.error("you must provide a model parameter", "invalid_request_error", null, null);
    }
    Object messages = body.getValue("messages");
    if (messages == null) {
      return Behaviour.error("Missing required parameter: 'messages'.", "invalid_request_error", "messages",
        "missing_required_parameter");
    }
    if (!(messages instanceof JsonArray)) {
      return Behaviour.error("Invalid type for 'messages': expected an array.", "invalid_request_error",
        "messages", "invalid_type");
    }
    if (((JsonArray) messages).isEmpty()) {
      return Behaviour.error("Invalid 'messages': empty array. Expected an array with minimum length 1, but got"
        + " an empty array instead.", "invalid_request_error", "messages", "empty_array");
    }
    Object stream = body.getValue("stream");
    if (stream != null && !(stream instanceof Boolean)) {
      return Behaviour.error("Invalid type for 'stream': expected a boolean.", "invalid_request_error", "stream",
        "invalid_type");
    }
    return null;
  }

  static boolean isStream(JsonObject body) {
    return Boolean.TRUE.equals(body.getValue("stream"));
  }

  static boolean includeUsage(JsonObject body) {
    Object opts = body.getValue("stream_options");
    return opts instanceof JsonObject && Boolean.TRUE.equals(((JsonObject) opts).getValue("include_usage"));
  }

  /** Text of the last {@code user} message (string content or the text parts of array content), or null. */
  static String lastUserText(JsonObject body) {
    Object messages = body.getValue("messages");
    if (!(messages instanceof JsonArray)) {
      return null;
    }
    JsonArray list = (JsonArray) messages;
    for (int i = list.size() - 1; i >= 0; i--) {
      Object m = list.getValue(i);
      if (m instanceof JsonObject && "user".equals(((JsonObject) m).getValue("role"))) {
        return text(((JsonObject) m).getValue("content"));
      }
    }
    return null;
  }

  /** A deterministic stand-in for the tokenizer: ~4 characters per token plus per-message overhead. */
  static int promptTokens(JsonObject body) {
    int tokens = 3;
    Object messages = body.getValue("messages");
    if (messages instanceof JsonArray) {
      for (Object m : (JsonArray) messages) {
        tokens += 3;
        if (m instanceof JsonObject) {
          String t = text(((JsonObject) m).getValue("content"));
          tokens += t == null ? 0 : (t.length() + 3) / 4;
        }
      }
    }
    return tokens;
  }

  private static String text(Object content) {
    if (content instanceof String) {
      return (String) content;
    }
    if (content instanceof JsonArray) {
      StringBuilder sb = new StringBuilder();
      for (Object part : (JsonArray) content) {
        if (part instanceof JsonObject && "text".equals(((JsonObject) part).getValue("type"))) {
          Object t = ((JsonObject) part).getValue("text");
          if (t instanceof String) {
            sb.append((String) t);
          }
        }
      }
      return sb.toString();
    }
    return null;
  }
}
