package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The owner's answer to {@link JoinStream}: where to send credits and cancels (the owner's inbox)
 * and who writes the text (the worker, as its own {@link OpenAck} named it), with the owner's node
 * name; or why the campaign cannot be followed: {@link #GONE} when the owner no longer writes it
 * (finished and forgotten, or never its own), or the error it ended with before it had a writer.
 */
public record JoinAck(OpenAck ack, String owner, StreamError error) {

  /** The owner has no such campaign to be followed; the asking node looks elsewhere. */
  public static final String GONE = "gone";

  public static JoinAck gone() {
    return new JoinAck(null, null, new StreamError(410, GONE, "The campaign stream is no longer written there", null));
  }

  public boolean isGone() {
    return error != null && GONE.equals(error.kind());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (ack != null) {
      json.put("ack", ack.toJson()).put("owner", owner);
    }
    if (error != null) {
      json.put("error", error.toJson());
    }
    return json;
  }

  public static JoinAck fromJson(JsonObject json) {
    JsonObject ack = json.getJsonObject("ack");
    JsonObject error = json.getJsonObject("error");
    return new JoinAck(ack == null ? null : OpenAck.fromJson(ack), json.getString("owner"),
        error == null ? null : StreamError.fromJson(error));
  }
}
