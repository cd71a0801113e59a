package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The worker's answer to {@link OpenStream}: where to send credits and cancels for this stream,
 * and who will write the text (the worker's node, the model, whether it is the built-in simulator).
 */
public record OpenAck(String inbox, Worker worker) {

  /** What a worker tells about itself; the same for all its streams. */
  public record Worker(String node, String model, boolean simulated) {
  }

  public String model() {
    return worker.model();
  }

  public boolean simulated() {
    return worker.simulated();
  }

  public JsonObject toJson() {
    return new JsonObject().put("inbox", inbox).put("node", worker.node()).put("model", worker.model())
        .put("simulated", worker.simulated());
  }

  public static OpenAck fromJson(JsonObject json) {
    return new OpenAck(json.getString("inbox"),
        new Worker(json.getString("node"), json.getString("model"), json.getBoolean("simulated", false)));
  }
}
