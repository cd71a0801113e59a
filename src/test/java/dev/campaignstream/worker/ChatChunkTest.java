package dev.campaignstream.worker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatChunkTest {

  /** Wraps the varying part in the envelope every OpenAI chunk carries. */
  private static ChatChunk parseChunk(String choicesAndUsage) {
    return ChatChunk.parse("""
        {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1754920417,\
        "model":"gpt-4o-mini","system_fingerprint":"fp_34a54ae93c",%s}""".formatted(choicesAndUsage));
  }

  @Test
  void roleChunkHasEmptyContent() {
    ChatChunk chunk = parseChunk("""
        "choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},\
        "logprobs":null,"finish_reason":null}],"usage":null""");

    assertThat(chunk).isEqualTo(new ChatChunk("", null, null, null));
    assertThat(chunk.hasContent()).isFalse();
  }

  @Test
  void contentChunkCarriesTheDelta() {
    ChatChunk chunk = parseChunk("""
        "choices":[{"index":0,"delta":{"content":" Café 🚀"},"logprobs":null,"finish_reason":null}]""");

    assertThat(chunk).isEqualTo(new ChatChunk(" Café 🚀", null, null, null));
    assertThat(chunk.hasContent()).isTrue();
    assertThat(chunk.isError()).isFalse();
  }

  @Test
  void finishChunkHasReasonAndNoContent() {
    ChatChunk chunk = parseChunk("""
        "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]""");

    assertThat(chunk).isEqualTo(new ChatChunk(null, "length", null, null));
    assertThat(chunk.hasContent()).isFalse();
  }

  @Test
  void usageChunkHasNoChoices() {
    ChatChunk chunk = parseChunk("""
        "choices":[],"usage":{"prompt_tokens":38,"completion_tokens":20,"total_tokens":58}""");

    JsonObject usage = new JsonObject().put("prompt_tokens", 38).put("completion_tokens", 20).put("total_tokens", 58);
    assertThat(chunk).isEqualTo(new ChatChunk(null, null, usage, null));
  }

  @Test
  void choiceWithIndexZeroWins() {
    ChatChunk chunk = parseChunk("""
        "choices":[{"index":1,"delta":{"content":"second"},"finish_reason":null},\
        {"index":0,"delta":{"content":"first"},"finish_reason":"stop"}]""");

    assertThat(chunk).isEqualTo(new ChatChunk("first", "stop", null, null));
  }

  @Test
  void errorPayloadReplacesEverythingElse() {
    ChatChunk chunk = ChatChunk.parse("""
        {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null},\
        "choices":[{"index":0,"delta":{"content":"x"}}]}""");

    assertThat(chunk.isError()).isTrue();
    assertThat(chunk).isEqualTo(new ChatChunk(null, null, null, new JsonObject()
        .put("message", "The server had an error").put("type", "server_error").putNull("param").putNull("code")));
  }

  @Test
  void bareStringErrorBecomesMessage() {
    assertThat(ChatChunk.parse("{\"error\":\"overloaded\"}").error())
        .isEqualTo(new JsonObject().put("message", "overloaded"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[DONE]", " [DONE]\n", "\t[DONE]\r\n"})
  void recognisesDone(String data) {
    assertThat(ChatChunk.isDone(data)).isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "DONE", "[done]", "[DONE]x", "{\"choices\":[]}"})
  void otherPayloadsAreNotDone(String data) {
    assertThat(ChatChunk.isDone(data)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "{", "not json", "null", "[1,2]", "\"text\"", "{\"choices\":{}}",
      "{\"choices\":[1]}", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}",
      "{\"choices\":[],\"usage\":\"none\"}"})
  void malformedPayloadIsRejected(String data) {
    assertThatThrownBy(() -> ChatChunk.parse(data)).isInstanceOf(DecodeException.class);
  }
}
