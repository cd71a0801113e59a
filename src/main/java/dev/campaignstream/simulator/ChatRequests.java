package dev.campaignstream.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads a chat completion request body, and refuses one the way OpenAI does. */
final class ChatRequests {

  private ChatRequests() {
  }

  /** The OpenAI error body for an invalid request, or null when the request is acceptable. */
  static JsonObject validate(JsonObject body) {
    if (body == null) {
      return invalid("We could not parse the JSON body of your request. The OpenAI API expects a JSON payload,"
          + " but what was sent was not valid JSON.", null, null);
    }
    if (!(body.getValue("model") instanceof String model) || model.isEmpty()) {
      return invalid("you must provide a model parameter", null, null);
    }
    Object messages = body.getValue("messages");
    if (messages == null) {
      return invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
    }
    if (!(messages instanceof JsonArray list)) {
      return invalid("Invalid type for 'messages': expected an array.", "messages", "invalid_type");
    }
    if (list.isEmpty()) {
      return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty"
          + " array instead.", "messages", "empty_array");
    }
    if (!Boolean.TRUE.equals(body.getValue("stream"))) {
      // The service always streams, so a non-streaming answer would be code that nothing runs.
      return invalid("This simulator only streams: set 'stream' to true.", "stream", "unsupported_value");
    }
    return null;
  }

  static boolean includeUsage(JsonObject body) {
    return body.getValue("stream_options") instanceof JsonObject options
        && Boolean.TRUE.equals(options.getValue("include_usage"));
  }

  /** Text of the last {@code user} message (string content or the text parts of array content), or null. */
  static String lastUserText(JsonObject body) {
    if (!(body.getValue("messages") instanceof JsonArray messages)) {
      return null;
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.getValue(i) instanceof JsonObject m && "user".equals(m.getValue("role"))) {
        return text(m.getValue("content"));
      }
    }
    return null;
  }

  /** A deterministic stand-in for the tokenizer: about 4 characters a token, plus a per-message overhead. */
  static int promptTokens(JsonObject body) {
    int tokens = 3;
    if (body.getValue("messages") instanceof JsonArray messages) {
      for (Object m : messages) {
        tokens += 3;
        String t = m instanceof JsonObject message ? text(message.getValue("content")) : null;
        tokens += t == null ? 0 : (t.length() + 3) / 4;
      }
    }
    return tokens;
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    if (!(content instanceof JsonArray parts)) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof JsonObject p && "text".equals(p.getValue("type")) && p.getValue("text") instanceof String t) {
        sb.append(t);
      }
    }
    return sb.toString();
  }

  private static JsonObject invalid(String message, String param, String code) {
    return Behaviour.error(message, "invalid_request_error", param, code);
  }
}
