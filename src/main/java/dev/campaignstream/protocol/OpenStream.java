package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The handshake that starts a stream: sent by the HTTP side as a request to
 * {@link Addresses#OPEN}; any worker may take it. The worker answers with an {@link OpenAck}.
 *
 * @param streamId     unique id of the stream, carried by every frame
 * @param replyTo      the HTTP side's inbox, where the worker sends the stream's frames
 * @param prompt       the brand exactly as the caller sent it
 * @param credits      how many chunks the worker may send before it waits for a {@code CREDIT}
 * @param requestId    the caller's request id, for logs on both sides and upstream
 * @param model        the model the campaign is keyed under: only upstreams of that model may write it
 * @param keyName      the caller key's name (never the key), so that waits are fair across keys; null without keys
 */
public record OpenStream(String streamId, String replyTo, String prompt, long credits, String requestId,
    String model, String keyName) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("stream_id", streamId)
        .put("reply_to", replyTo)
        .put("prompt", prompt)
        .put("credits", credits)
        .put("request_id", requestId)
        .put("model", model)
        .put("key_name", keyName);
  }

  public static OpenStream fromJson(JsonObject json) {
    return new OpenStream(
        json.getString("stream_id"),
        json.getString("reply_to"),
        json.getString("prompt"),
        json.getLong("credits", 0L),
        json.getString("request_id"),
        json.getString("model"),
        json.getString("key_name"));
  }
}
