package dev.campaignstream.simulator;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The SSE events of one stream, in OpenAI's wire format. The parts of a {@code chat.completion.chunk} that
 * never change within a stream are rendered once, so a content event costs one escape and one concatenation.
 */
final class ChunkFormat {

  static final String FINGERPRINT = "fp_sim0000001";

  private final String head;          // {"id":…,"object":…,"created":…,"model":…,…,
  private final String eventEnd;      // blank line terminating an event
  private final String usageNull;     // OpenAI sends "usage":null on every chunk when include_usage is set
  private final String contentPrefix;
  private final String contentSuffix;

  ChunkFormat(String model, boolean includeUsage, String lineEnding) {
    this.head = "{\"id\":\"chatcmpl-" + OpenAiHeaders.randomId(29)
        + "\",\"object\":\"chat.completion.chunk\",\"created\":" + System.currentTimeMillis() / 1000
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
    return contentPrefix + Json.encode(delta) + contentSuffix;
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
