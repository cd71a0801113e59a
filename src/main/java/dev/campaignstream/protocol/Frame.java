package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One message of a campaign stream on the event bus. Frames of many streams share one inbox
 * address per verticle instance and are told apart by {@link #streamId()}.
 *
 * <p>Worker to HTTP side: {@link Type#CHUNK}, {@link Type#END}, {@link Type#ERROR}, {@link Type#PING}.
 * HTTP side to worker: {@link Type#CREDIT}, {@link Type#CANCEL}, {@link Type#PING}.
 *
 * <p>Frames are immutable: the local codec hands the same instance to the consumer instead of
 * copying it, which keeps the per-chunk cost of the bus to one small object.
 */
public record Frame(Type type, String streamId, long value, String text, JsonObject meta) {

  public enum Type {
    /** A piece of the campaign; {@code value} is its sequence number from 1, {@code text} the delta. */
    CHUNK,
    /** The stream completed; {@code meta} holds {@code finish_reason}, {@code usage} (may be null). */
    END,
    /** The stream failed; {@code meta} is a {@link StreamError} as JSON. */
    ERROR,
    /** The HTTP side can take {@code value} more chunks. */
    CREDIT,
    /** The caller is gone: stop the upstream call and forget the stream. */
    CANCEL,
    /** Nothing to say, but still alive. */
    PING
  }

  public static Frame chunk(String streamId, long seq, String text) {
    return new Frame(Type.CHUNK, streamId, seq, text, null);
  }

  public static Frame end(String streamId, String finishReason, JsonObject usage) {
    JsonObject meta = new JsonObject().put("finish_reason", finishReason);
    if (usage != null) {
      meta.put("usage", usage);
    }
    return new Frame(Type.END, streamId, 0, null, meta);
  }

  public static Frame error(String streamId, StreamError error) {
    return new Frame(Type.ERROR, streamId, 0, null, error.toJson());
  }

  public static Frame credit(String streamId, long credits) {
    return new Frame(Type.CREDIT, streamId, credits, null, null);
  }

  public static Frame cancel(String streamId) {
    return new Frame(Type.CANCEL, streamId, 0, null, null);
  }

  public static Frame ping(String streamId) {
    return new Frame(Type.PING, streamId, 0, null, null);
  }

  public String finishReason() {
    return meta == null ? null : meta.getString("finish_reason");
  }

  public JsonObject usage() {
    return meta == null ? null : meta.getJsonObject("usage");
  }

  public StreamError streamError() {
    return StreamError.fromJson(meta);
  }
}
