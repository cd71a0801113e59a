package dev.campaignstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One message of a campaign stream on the event bus. Frames of many streams share one inbox
 * address per verticle instance and are told apart by their stream id; a {@link Ping} speaks for
 * its sender's whole inbox, so liveness costs one message per peer, not per stream.
 *
 * <p>Worker to HTTP side: {@link Chunk}, {@link End}, {@link Failed}. HTTP side to worker:
 * {@link Credit}, {@link Cancel}. Both ways: {@link Ping}.
 *
 * <p>Each type has a wire code of its own that never changes (never an enum ordinal), so that
 * nodes of different builds in one cluster read each other's frames. Frames are immutable: the
 * local codec hands the same instance to the consumer instead of copying it.
 */
public sealed interface Frame {

  /** The frame's code on the wire; see {@link FrameCodec}. */
  byte code();

  /** The stream it belongs to; null for a ping, which speaks for a whole inbox. */
  default String streamId() {
    return null;
  }

  /** A piece of the campaign: its sequence number from 1, and the text the model wrote. */
  record Chunk(String streamId, long seq, String text) implements Frame {
    public static final byte CODE = 1;

    @Override
    public byte code() {
      return CODE;
    }
  }

  /**
   * The stream completed; {@code usage} is OpenAI's usage object as it sent it, or null;
   * {@code upstream} the configured name of the upstream that wrote it.
   */
  record End(String streamId, String finishReason, JsonObject usage, String upstream) implements Frame {
    public static final byte CODE = 2;

    @Override
    public byte code() {
      return CODE;
    }
  }

  /**
   * The stream failed, with what the caller should be told; {@code upstream} the last upstream
   * tried, or null when none was.
   */
  record Failed(String streamId, StreamError error, String upstream) implements Frame {
    public static final byte CODE = 3;

    @Override
    public byte code() {
      return CODE;
    }
  }

  /** The HTTP side can take {@code credits} more chunks. */
  record Credit(String streamId, long credits) implements Frame {
    public static final byte CODE = 4;

    @Override
    public byte code() {
      return CODE;
    }
  }

  /** Every caller is gone: stop the upstream call and forget the stream. */
  record Cancel(String streamId) implements Frame {
    public static final byte CODE = 5;

    @Override
    public byte code() {
      return CODE;
    }
  }

  /** The inbox {@code from} is alive; sent to a peer that has heard nothing else from it lately. */
  record Ping(String from) implements Frame {
    public static final byte CODE = 6;

    @Override
    public byte code() {
      return CODE;
    }
  }
}
