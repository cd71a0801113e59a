package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The worker's answer to {@link OpenStream}: where to send credits and cancels for this stream,
 * and what will write the text (the model, and whether it is the built-in simulator).
 */
public record OpenAck(String inbox, String model, boolean simulated) {

  public JsonObject toJson() {
    return new JsonObject().put("inbox", inbox).put("model", model).put("simulated", simulated);
  }

  public static OpenAck fromJson(JsonObject json) {
    return new OpenAck(json.getString("inbox"), json.getString("model"), json.getBoolean("simulated", false));
  }
}
