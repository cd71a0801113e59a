package dev.campaignstream.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Event-bus codec for {@link Frame}. Locally the frame is passed as is (it is immutable); across
 * the cluster it travels as a compact binary record, so a chunk costs its text plus a few bytes.
 */
public final class FrameCodec implements MessageCodec<Frame, Frame> {

  public static final String NAME = "campaign-frame";
  private static final Frame.Type[] TYPES = Frame.Type.values();

  /** Registers the codec as the default for {@link Frame}; safe to call once per verticle. */
  public static void register(EventBus eventBus) {
    try {
      eventBus.registerDefaultCodec(Frame.class, new FrameCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // Several verticles of one Vert.x instance share the bus: the first one registered it.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, Frame frame) {
    buffer.appendByte((byte) frame.type().ordinal());
    writeString(buffer, frame.streamId());
    buffer.appendLong(frame.value());
    writeString(buffer, frame.text());
    writeString(buffer, frame.meta() == null ? null : frame.meta().encode());
  }

  @Override
  public Frame decodeFromWire(int pos, Buffer buffer) {
    int[] cursor = {pos};
    Frame.Type type = TYPES[buffer.getByte(cursor[0]++)];
    String streamId = readString(buffer, cursor);
    long value = buffer.getLong(cursor[0]);
    cursor[0] += Long.BYTES;
    String text = readString(buffer, cursor);
    String meta = readString(buffer, cursor);
    return new Frame(type, streamId, value, text, meta == null ? null : new JsonObject(meta));
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

  private static void writeString(Buffer buffer, String value) {
    if (value == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String readString(Buffer buffer, int[] cursor) {
    int length = buffer.getInt(cursor[0]);
    cursor[0] += Integer.BYTES;
    if (length < 0) {
      return null;
    }
    String value = buffer.getString(cursor[0], cursor[0] + length, "UTF-8");
    cursor[0] += length;
    return value;
  }
}
