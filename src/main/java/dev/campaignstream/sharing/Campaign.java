package dev.campaignstream.sharing;

import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A campaign that callers read, each from its own cursor: one being written ({@link LiveCampaign})
 * or one already written ({@link CachedCampaign}). Callers may read it from any event loop.
 */
public interface Campaign {

  /**
   * How the campaign ended: a finish reason and OpenAI's usage, or an error; and the configured
   * name of the upstream that wrote it (the last one tried, for an error), or null when none did.
   */
  record Ending(String finishReason, JsonObject usage, StreamError error, String upstream) {

    /** An end no upstream had a part in, or one not known. */
    public Ending(String finishReason, JsonObject usage, StreamError error) {
      this(finishReason, usage, error, null);
    }
  }

  /** What a caller needs to know at once to write its next pieces: who writes, how many pieces, the end. */
  record Snapshot(OpenAck ack, int size, Ending ending) {
  }

  /** Adds a follower, unless the campaign can no longer be joined: then the caller must go elsewhere. */
  boolean join(Follower follower);

  /** A follower is done with it. */
  void leave(Follower follower);

  Snapshot snapshot();

  /** The pieces of text with event ids {@code from + 1} to {@code to}. */
  List<String> pieces(int from, int to);

  /** A follower took more pieces. */
  void progressed();

  /** The HTTP node that writes it, as access logs name it; {@code -} for one already written. */
  default String owner() {
    return "-";
  }
}
