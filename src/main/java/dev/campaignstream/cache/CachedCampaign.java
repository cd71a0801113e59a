package dev.campaignstream.cache;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A completed campaign as it is kept: the deltas exactly as the model sent them (so a hit still
 * streams as pieces, with the same event ids), why it finished, the token usage, the model, and
 * whether the built-in simulator wrote it.
 */
public record CachedCampaign(List<String> deltas, String finishReason, JsonObject usage, String model,
    boolean simulated) {

  public CachedCampaign {
    deltas = List.copyOf(deltas);
  }

  /**
   * Only a campaign the model finished is worth serving again: {@code stop}, or {@code length}
   * (the model's own limit, which another call would hit too). A filtered, failed, cut or
   * cancelled one never is.
   */
  public static boolean cacheable(String finishReason) {
    return "stop".equals(finishReason) || "length".equals(finishReason);
  }

  /** The value kept in the cluster's map: plain JSON, so that any node can read it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("deltas", new JsonArray(new ArrayList<>(deltas)))
        .put("finish_reason", finishReason)
        .put("usage", usage)
        .put("model", model)
        .put("simulated", simulated);
  }

  public static CachedCampaign fromJson(JsonObject json) {
    List<String> deltas = new ArrayList<>();
    json.getJsonArray("deltas").forEach(delta -> deltas.add((String) delta));
    return new CachedCampaign(deltas, json.getString("finish_reason"), json.getJsonObject("usage"),
        json.getString("model"), json.getBoolean("simulated", false));
  }
}
