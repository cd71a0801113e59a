package dev.campaignstream.worker;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.campaignstream.worker.SseParserTest.byteAtATime;
import static dev.campaignstream.worker.SseParserTest.parse;
import static dev.campaignstream.worker.SseParserTest.split;
import static org.assertj.core.api.Assertions.assertThat;

/** Replays a recorded OpenAI stream cut into network reads at every possible place. */
class SseParserRecordedStreamTest {

  static final String RECORDING = "/openai/recorded-stream.txt";
  static final String CAMPAIGN_TEXT =
      "Launch day at Café Müller: fresh crêpes, über-smooth lattes and 漢字 workshops 🚀 Join us! 🎉";

  enum LineEnding {
    LF("\n"), CRLF("\r\n"), CR("\r");

    final String separator;

    LineEnding(String separator) {
      this.separator = separator;
    }

    /** JSON payloads never contain raw line breaks, so every LF in the recording is a line end. */
    byte[] apply(String lfText) {
      return lfText.replace("\n", separator).getBytes(StandardCharsets.UTF_8);
    }
  }

  static String recording;
  static List<SseEvent> expected;

  @BeforeAll
  static void loadRecording() throws IOException {
    try (InputStream in = SseParserRecordedStreamTest.class.getResourceAsStream(RECORDING)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("missing test resource " + RECORDING));
      }
      recording = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Independent oracle: the recording has one data line per event.
    expected = Arrays.stream(recording.split("\n\n"))
        .map(block -> new SseEvent("message", block.substring("data: ".length()), null))
        .toList();
  }

  @Test
  void recordingIsARealisticOpenAiStream() {
    assertThat(expected).hasSize(24);
    assertThat(expected.get(expected.size() - 1).data()).isEqualTo(ChatChunk.DONE);

    List<ChatChunk> chunks = expected.subList(0, expected.size() - 1).stream()
        .map(event -> ChatChunk.parse(event.data()))
        .toList();
    assertThat(chunks.get(0)).isEqualTo(new ChatChunk("", null, null, null));
    assertThat(chunks.get(chunks.size() - 2)).isEqualTo(new ChatChunk(null, "stop", null, null));
    assertThat(chunks.get(chunks.size() - 1).usage().getInteger("total_tokens")).isEqualTo(58);
  }

  @ParameterizedTest
  @EnumSource(LineEnding.class)
  void wholeStreamInOneRead(LineEnding ending) {
    List<SseEvent> events = parse(SseParserTest.DEFAULT_MAX, List.of(ending.apply(recording)));

    assertThat(events).containsExactlyElementsOf(expected);
    assertThat(contentOf(events)).isEqualTo(CAMPAIGN_TEXT);
  }

  @ParameterizedTest
  @EnumSource(LineEnding.class)
  void splitIntoTwoReadsAtEveryOffset(LineEnding ending) {
    byte[] bytes = ending.apply(recording);
    for (int k = 0; k <= bytes.length; k++) {
      assertThat(parse(SseParserTest.DEFAULT_MAX, split(bytes, k)))
          .as("%s split at byte %d", ending, k)
          .containsExactlyElementsOf(expected);
    }
  }

  @ParameterizedTest
  @EnumSource(LineEnding.class)
  void oneByteAtATime(LineEnding ending) {
    List<SseEvent> events = parse(SseParserTest.DEFAULT_MAX, byteAtATime(ending.apply(recording)));

    assertThat(events).containsExactlyElementsOf(expected);
    assertThat(contentOf(events)).isEqualTo(CAMPAIGN_TEXT);
  }

  private static String contentOf(List<SseEvent> events) {
    return events.stream()
        .map(SseEvent::data)
        .filter(data -> !ChatChunk.isDone(data))
        .map(ChatChunk::parse)
        .filter(ChatChunk::hasContent)
        .map(ChatChunk::content)
        .collect(Collectors.joining());
  }
}
