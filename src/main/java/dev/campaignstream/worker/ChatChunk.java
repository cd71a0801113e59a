package dev.campaignstream.worker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The parts of one streamed {@code chat.completion.chunk} payload that the service uses.
 *
 * @param content      text delta of choice 0, or null when the chunk carries none
 * @param finishReason {@code stop}, {@code length}, {@code content_filter}, {@code tool_calls}... or null
 * @param usage        token usage (only on the final chunk when {@code include_usage} is set), or null
 * @param error        the {@code error} object of an in-stream error; the other fields are then null
 */
public record ChatChunk(String content, String finishReason, JsonObject usage, JsonObject error) {

  /** The data payload that terminates the stream; it is not JSON. */
  public static final String DONE = "[DONE]";

  public static boolean isDone(String data) {
    return data != null && DONE.equals(data.strip());
  }

  /**
   * Decodes one data payload.
   *
   * @throws DecodeException if the payload is not a JSON object or a known field has the wrong type
   */
  public static ChatChunk parse(String data) {
    ChatChunk fast = ChunkReader.read(data);
    return fast != null ? fast : parseTree(data);
  }

  /** The whole payload as a tree: for errors and the usage chunk, once per stream at most. */
  private static ChatChunk parseTree(String data) {
    Object decoded = Json.decodeValue(data);
    if (!(decoded instanceof JsonObject json)) {
      throw new DecodeException("chat completion chunk is not a JSON object");
    }
    Object error = json.getValue("error");
    if (error != null) {
      // Some proxies send a bare string; keep it usable the same way as OpenAI's error object.
      JsonObject errorObject = error instanceof JsonObject object
          ? object
          : new JsonObject().put("message", String.valueOf(error));
      return new ChatChunk(null, null, null, errorObject);
    }
    JsonObject choice = firstChoice(json);
    String content = null;
    String finishReason = null;
    if (choice != null) {
      JsonObject delta = optional(choice, "delta", JsonObject.class);
      content = delta == null ? null : optional(delta, "content", String.class);
      finishReason = optional(choice, "finish_reason", String.class);
    }
    return new ChatChunk(content, finishReason, optional(json, "usage", JsonObject.class), null);
  }

  public boolean hasContent() {
    return content != null && !content.isEmpty();
  }

  public boolean isError() {
    return error != null;
  }

  /** The choice with index 0, else the first one: the service always requests a single choice. */
  private static JsonObject firstChoice(JsonObject json) {
    JsonArray choices = optional(json, "choices", JsonArray.class);
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    JsonObject first = null;
    for (Object item : choices) {
      if (!(item instanceof JsonObject choice)) {
        throw new DecodeException("choices must hold objects");
      }
      if (choice.getValue("index") instanceof Number index && index.intValue() == 0) {
        return choice;
      }
      if (first == null) {
        first = choice;
      }
    }
    return first;
  }

  /** Absent and JSON null both mean "not there"; a value of another type means the payload is malformed. */
  private static <T> T optional(JsonObject json, String key, Class<T> type) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new DecodeException("'" + key + "' must be " + type.getSimpleName());
    }
    return type.cast(value);
  }
}
