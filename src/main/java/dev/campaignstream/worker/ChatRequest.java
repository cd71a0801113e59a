package dev.campaignstream.worker;

import dev.campaignstream.protocol.CampaignPrompt;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The body of the {@code POST /chat/completions} call for one brand. */
final class ChatRequest {

  static final String SYSTEM_PROMPT = CampaignPrompt.SYSTEM;

  private ChatRequest() {
  }

  static Buffer body(String model, String brand) {
    return new JsonObject()
        .put("model", model)
        .put("stream", true)
        // Token usage arrives as one last chunk; the caller gets it in the done event.
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", SYSTEM_PROMPT))
            .add(new JsonObject().put("role", "user").put("content", brand)))
        .toBuffer();
  }
}
