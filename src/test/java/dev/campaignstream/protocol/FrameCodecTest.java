package dev.campaignstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames as they cross the cluster: every type back as it went, on codes that never change. */
class FrameCodecTest {

  private final FrameCodec codec = new FrameCodec();

  @Test
  void everyFrameTypeCrossesTheWireUnchanged() {
    List<Frame> frames = List.of(
        new Frame.Chunk("s-1", 7, "Caf\u00e9 \uD83D\uDE80 \"quoted\""),
        new Frame.End("s-1", "stop", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", 5), "azure-eu"),
        new Frame.End("s-2", "length", null, null),
        new Frame.Failed("s-1", new StreamError(504, "first_token_timeout", "OpenAI did not answer", 2L), "openai-a"),
        new Frame.Failed("s-3", new StreamError(502, "cut", "The stream was cut", null), null),
        new Frame.Credit("s-1", 16),
        new Frame.Cancel("s-1"),
        new Frame.Ping("campaign.inbox.http.abc"));
    assertThat(frames.stream().map(Frame::code).distinct()).hasSize(Frame.class.getPermittedSubclasses().length);
    for (Frame frame : frames) {
      Buffer wire = Buffer.buffer().appendString("prefix");
      codec.encodeToWire(wire, frame);
      assertThat(codec.decodeFromWire("prefix".length(), wire)).isEqualTo(frame);
    }
  }

  @Test
  void theWireCodesAreStable() {
    // Nodes of different builds read each other's frames: these numbers never change.
    assertThat(List.of(Frame.Chunk.CODE, Frame.End.CODE, Frame.Failed.CODE, Frame.Credit.CODE, Frame.Cancel.CODE,
        Frame.Ping.CODE)).containsExactly((byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6);
  }

  @Test
  void anUnknownCodeFailsLoudly() {
    Buffer wire = Buffer.buffer().appendByte((byte) 42);
    assertThatThrownBy(() -> codec.decodeFromWire(0, wire))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown campaign frame code 42");
  }

  @Test
  void aPingBelongsToNoStream() {
    assertThat(new Frame.Ping("inbox").streamId()).isNull();
    assertThat(new Frame.Credit("s", 1).streamId()).isEqualTo("s");
  }
}
