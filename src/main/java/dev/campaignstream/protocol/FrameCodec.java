package dev.campaignstream.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link Frame}. Locally the frame is passed as is (it is immutable); across
 * the cluster it travels as its wire code and its fields, so a chunk costs its text plus a few
 * bytes. An unknown code fails loudly: it can only come from a node speaking another protocol.
 */
public final class FrameCodec implements MessageCodec<Frame, Frame> {

  public static final String NAME = "campaign-frame";

  /**
   * Registers the codec and selects it for every frame type; safe to call once per verticle. A
   * selector rather than a default codec per class: one codec name serves the whole sealed type.
   */
  public static void register(EventBus eventBus) {
    try {
      eventBus.registerCodec(new FrameCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Several verticles of one Vert.x instance share the bus: the first one registered it.
      return;
    }
    eventBus.codecSelector(body -> body instanceof Frame ? NAME : null);
  }

  @Override
  public void encodeToWire(Buffer buffer, Frame frame) {
    buffer.appendByte(frame.code());
    if (frame instanceof Frame.Chunk chunk) {
      writeString(buffer, chunk.streamId());
      buffer.appendLong(chunk.seq());
      writeString(buffer, chunk.text());
    } else if (frame instanceof Frame.End end) {
      writeString(buffer, end.streamId());
      writeString(buffer, end.finishReason());
      writeString(buffer, end.usage() == null ? null : end.usage().encode());
      writeString(buffer, end.upstream());
    } else if (frame instanceof Frame.Failed failed) {
      writeString(buffer, failed.streamId());
      writeString(buffer, failed.error().toJson().encode());
      writeString(buffer, failed.upstream());
    } else if (frame instanceof Frame.Credit credit) {
      writeString(buffer, credit.streamId());
      buffer.appendLong(credit.credits());
    } else if (frame instanceof Frame.Cancel cancel) {
      writeString(buffer, cancel.streamId());
    } else if (frame instanceof Frame.Ping ping) {
      writeString(buffer, ping.from());
    }
  }

  @Override
  public Frame decodeFromWire(int pos, Buffer buffer) {
    Reader in = new Reader(buffer, pos);
    byte code = in.readByte();
    return switch (code) {
      case Frame.Chunk.CODE -> new Frame.Chunk(in.readString(), in.readLong(), in.readString());
      // The upstream came later: a frame of an older node ends before it.
      case Frame.End.CODE -> new Frame.End(in.readString(), in.readString(), json(in.readString()),
          in.readStringIfAny());
      case Frame.Failed.CODE -> new Frame.Failed(in.readString(), StreamError.fromJson(json(in.readString())),
          in.readStringIfAny());
      case Frame.Credit.CODE -> new Frame.Credit(in.readString(), in.readLong());
      case Frame.Cancel.CODE -> new Frame.Cancel(in.readString());
      case Frame.Ping.CODE -> new Frame.Ping(in.readString());
      default -> throw new IllegalArgumentException("Unknown campaign frame code " + code
          + ": the sending node speaks another version of the stream protocol");
    };
  }

  @Override
  public Frame transform(Frame frame) {
    return frame;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static JsonObject json(String encoded) {
    return encoded == null ? null : new JsonObject(encoded);
  }

  private static void writeString(Buffer buffer, String value) {
    if (value == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /** Reads a frame's fields in the order they were written. */
  private static final class Reader {
    private final Buffer buffer;
    private int pos;

    Reader(Buffer buffer, int pos) {
      this.buffer = buffer;
      this.pos = pos;
    }

    byte readByte() {
      return buffer.getByte(pos++);
    }

    long readLong() {
      long value = buffer.getLong(pos);
      pos += Long.BYTES;
      return value;
    }

    String readStringIfAny() {
      return pos + Integer.BYTES <= buffer.length() ? readString() : null;
    }

    String readString() {
      int length = buffer.getInt(pos);
      pos += Integer.BYTES;
      if (length < 0) {
        return null;
      }
      String value = buffer.getString(pos, pos + length, "UTF-8");
      pos += length;
      return value;
    }
  }
}
