package dev.campaignstream.sharing;

import dev.campaignstream.protocol.OpenAck;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A completed campaign as it is kept: the deltas exactly as the model sent them (so a hit still
 * streams as pieces, with the same event ids), why it finished, the token usage, the model, and
 * whether the built-in simulator wrote it.
 *
 * <p>The deltas are kept as one string and the offsets where each ends, not as a list of strings:
 * a model sends a token or so per delta, and a string per delta costs some 45 bytes of headers and
 * references for a few characters of text. Measured for campaigns of 600 deltas of a few words:
 * about 30 KB each as strings, about 8 KB this way, so the default 10,000 cached campaigns take
 * about 80 MB of the heap rather than 300.
 *
 * <p>As a {@link Campaign}, it is one whose writing has ended: callers read it exactly as they
 * would a live one, from their own cursors, with nothing to join or leave.
 */
public final class CachedCampaign implements Campaign {

  private final String text;
  private final int[] ends;
  private final String finishReason;
  private final JsonObject usage;
  private final String model;
  private final boolean simulated;
  private final String upstream;

  public CachedCampaign(List<String> deltas, String finishReason, JsonObject usage, String model,
      boolean simulated) {
    this(deltas, finishReason, usage, model, simulated, null);
  }

  /** @param upstream the configured name of the upstream that wrote it, or null when not known */
  public CachedCampaign(List<String> deltas, String finishReason, JsonObject usage, String model,
      boolean simulated, String upstream) {
    StringBuilder all = new StringBuilder();
    int[] offsets = new int[deltas.size()];
    for (int i = 0; i < offsets.length; i++) {
      all.append(Objects.requireNonNull(deltas.get(i), "delta"));
      offsets[i] = all.length();
    }
    this.text = all.toString();
    this.ends = offsets;
    this.finishReason = finishReason;
    this.usage = usage;
    this.model = model;
    this.simulated = simulated;
    this.upstream = upstream;
  }

  @Override
  public boolean join(Follower follower) {
    return true;
  }

  @Override
  public void leave(Follower follower) {
    // Nothing is written for it: nothing to stop.
  }

  @Override
  public Snapshot snapshot() {
    return new Snapshot(new OpenAck(null, new OpenAck.Worker("-", model, simulated)), ends.length,
        new Ending(finishReason, usage, null, upstream));
  }

  @Override
  public List<String> pieces(int from, int to) {
    return deltas().subList(from, to);
  }

  @Override
  public void progressed() {
    // Nothing upstream to credit.
  }

  /** The deltas in order, as an unmodifiable list read from the kept text. */
  public List<String> deltas() {
    return new Deltas();
  }

  public String finishReason() {
    return finishReason;
  }

  public JsonObject usage() {
    return usage;
  }

  public String model() {
    return model;
  }

  public boolean simulated() {
    return simulated;
  }

  private final class Deltas extends AbstractList<String> implements RandomAccess {
    @Override
    public String get(int index) {
      Objects.checkIndex(index, ends.length);
      return text.substring(index == 0 ? 0 : ends[index - 1], ends[index]);
    }

    @Override
    public int size() {
      return ends.length;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CachedCampaign that
        && text.equals(that.text)
        && Arrays.equals(ends, that.ends)
        && Objects.equals(finishReason, that.finishReason)
        && Objects.equals(usage, that.usage)
        && Objects.equals(model, that.model)
        && Objects.equals(upstream, that.upstream)
        && simulated == that.simulated;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, Arrays.hashCode(ends), finishReason, usage, model, simulated);
  }

  @Override
  public String toString() {
    return "CachedCampaign[" + ends.length + " deltas, " + text.length() + " chars, finishReason=" + finishReason
        + ", model=" + model + ", simulated=" + simulated + "]";
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
        .put("deltas", new JsonArray(new ArrayList<>(deltas())))
        .put("finish_reason", finishReason)
        .put("usage", usage)
        .put("model", model)
        .put("simulated", simulated)
        .put("upstream", upstream);
  }

  public static CachedCampaign fromJson(JsonObject json) {
    List<String> deltas = new ArrayList<>();
    json.getJsonArray("deltas").forEach(delta -> deltas.add((String) delta));
    return new CachedCampaign(deltas, json.getString("finish_reason"), json.getJsonObject("usage"),
        json.getString("model"), json.getBoolean("simulated", false), json.getString("upstream"));
  }
}
