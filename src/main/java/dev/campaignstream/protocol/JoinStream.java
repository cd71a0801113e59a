package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The handshake by which one HTTP node follows a campaign another HTTP node is writing: sent as a
 * request to the owner's join address (see {@link Addresses#joinAddress}). The owner then serves
 * the asking node as a worker serves the HTTP side: the same typed frames from the first piece,
 * within the credit the asking node grants, with the same liveness. It answers with a
 * {@link JoinAck} once the campaign's writer is known.
 *
 * @param streamId  the asking node's id for the stream, carried by every frame of it both ways
 * @param replyTo   the asking node's inbox, where the owner sends the frames
 * @param key       the campaign key, which the owner looks the campaign up by
 * @param credits   how many chunks the owner may send before it waits for a {@code CREDIT}
 * @param requestId the request id of the caller that made the asking node follow, for logs
 */
public record JoinStream(String streamId, String replyTo, String key, long credits, String requestId) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("stream_id", streamId)
        .put("reply_to", replyTo)
        .put("key", key)
        .put("credits", credits)
        .put("request_id", requestId);
  }

  public static JoinStream fromJson(JsonObject json) {
    return new JoinStream(json.getString("stream_id"), json.getString("reply_to"), json.getString("key"),
        json.getLong("credits", 0L), json.getString("request_id"));
  }
}
