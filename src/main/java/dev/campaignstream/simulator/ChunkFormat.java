package dev.campaignstream.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Builds the SSE events of one stream. The parts of a {@code chat.completion.chunk} that never change within
 * a stream are rendered once, so a content event costs one string escape and one concatenation.
 */
final class ChunkFormat {

  static final String FINGERPRINT = "fp_sim0000001";

  private final String head;          // {"id":…,"object":…,"created":…,"model":…,…,
  private final String eventEnd;      // blank line terminating an event
  private final String usageNull;     // OpenAI sends "usage":null on every chunk when include_usage is set
  private final String contentPrefix;
  private final String contentSuffix;

  ChunkFormat(String id, long created, String model, boolean includeUsage, String lineEnding) {
    this.head = "{\"id\":" + Json.encode(id)
      + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
      + ",\"model\":" + Json.encode(model)
      + ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + FINGERPRINT + "\",";
    this.eventEnd = lineEnding + lineEnding;
    this.usageNull = includeUsage ? ",\"usage\":null" : "";
    this.contentPrefix = "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":";
    this.contentSuffix = "},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}" + eventEnd;
  }

  String role() {
    return "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
      + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]" + usageNull + "}" + eventEnd;
  }

  String content(String delta) {
    String escaped = Json.encode(delta);
    return new StringBuilder(contentPrefix.length() + escaped.length() + contentSuffix.length())
      .append(contentPrefix).append(escaped).append(contentSuffix).toString();
  }

  String finish(String finishReason) {
    return "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":"
      + Json.encode(finishReason) + "}]" + usageNull + "}" + eventEnd;
  }

  String usage(int promptTokens, int completionTokens) {
    return "data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
      + ",\"completion_tokens\":" + completionTokens
      + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}" + eventEnd;
  }

  String done() {
    return "data: [DONE]" + eventEnd;
  }

  String error(JsonObject errorBody) {
    return "data: " + errorBody.encode() + eventEnd;
  }

  String malformed() {
    return "data: {not json" + eventEnd;
  }

  String keepAlive() {
    return ": keep-alive" + eventEnd;
  }
}
