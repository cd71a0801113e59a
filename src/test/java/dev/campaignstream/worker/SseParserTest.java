package dev.campaignstream.worker;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseParserTest {

  static final int DEFAULT_MAX = 64 * 1024;

  /** Feeds each byte array as one network read and returns the dispatched events. */
  static List<SseEvent> parse(int maxEventBytes, List<byte[]> reads) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(maxEventBytes, events::add);
    reads.forEach(read -> parser.handle(Buffer.buffer(read)));
    parser.end();
    return events;
  }

  static List<SseEvent> parse(String... reads) {
    return parse(DEFAULT_MAX, Stream.of(reads).map(SseParserTest::utf8).toList());
  }

  static List<byte[]> byteAtATime(byte[] bytes) {
    List<byte[]> reads = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      reads.add(new byte[] {b});
    }
    return reads;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static SseEvent message(String data) {
    return new SseEvent("message", data, null);
  }

  @Test
  void commentsAreIgnored() {
    assertThat(parse(": keep-alive\n\n", "data: a\n: between lines\ndata: b\n\n", ":\n\n"))
        .containsExactly(message("a\nb"));
  }

  @Test
  void dataLinesJoinWithLineFeed() {
    assertThat(parse("data: first\ndata:\ndata: third\n\n")).containsExactly(message("first\n\nthird"));
  }

  @Test
  void eventTypeIsPerEventAndIdPersistsUntilReset() {
    assertThat(parse("event: update\nid: 42\ndata: x\n\n", "data: y\n\n", "id:\ndata: z\n\n"))
        .containsExactly(
            new SseEvent("update", "x", "42"),
            new SseEvent("message", "y", "42"),
            new SseEvent("message", "z", null));
  }

  @Test
  void eventWithoutDataIsNotDispatchedButItsIdIsKept() {
    assertThat(parse("event: ping\nid: 7\n\n", "data: a\n\n"))
        .containsExactly(new SseEvent("message", "a", "7"));
  }

  @Test
  void retryAndUnknownFieldsAreIgnored() {
    assertThat(parse("retry: 3000\nfoo: bar\ndata: a\n\n")).containsExactly(message("a"));
  }

  static Stream<Arguments> fieldLines() {
    return Stream.of(
        Arguments.of("data:x", "x"),
        Arguments.of("data: x", "x"),
        Arguments.of("data:  x", " x"),
        Arguments.of("data: a: b", "a: b"),
        Arguments.of("data:", ""),
        Arguments.of("data", ""),
        Arguments.of("data: é漢🚀", "é漢🚀"));
  }

  @ParameterizedTest
  @MethodSource("fieldLines")
  void fieldValueStripsOnlyOneLeadingSpace(String line, String expectedData) {
    assertThat(parse(line + "\n\n")).containsExactly(message(expectedData));
  }

  @ParameterizedTest
  @ValueSource(strings = {"data : x", "Data: x", " data: x"})
  void fieldNamesMatchExactly(String line) {
    assertThat(parse(line + "\n\n")).isEmpty();
  }

  @Test
  void crAtEndOfReadAndLfAtStartOfNextAreOneLineEnd() {
    // Counting them as two line ends would dispatch "a" and "b" separately.
    assertThat(parse("data: a\r", "\ndata: b\r\n\r\n")).containsExactly(message("a\nb"));
  }

  @Test
  void byteOrderMarkIsSkippedOnlyAtStreamStart() {
    byte[] stream = utf8("\uFEFFdata: a\n\n\uFEFFdata: b\n\n");
    for (int k = 0; k <= stream.length; k++) {
      assertThat(parse(DEFAULT_MAX, split(stream, k))).as("split at %d", k).containsExactly(message("a"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"data: b\n", "data: b", "data: b\r", "id: 3\ndata: b\n"})
  void trailingIncompleteEventIsReportedAndDiscarded(String tail) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(DEFAULT_MAX, events::add);
    parser.handle(Buffer.buffer("data: a\n\n" + tail));

    assertThat(parser.hasPartialEvent()).isTrue();
    assertThat(parser.end()).isTrue();
    assertThat(parser.hasPartialEvent()).isTrue();
    assertThat(events).containsExactly(message("a"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ": ping\n", "event: x\n", "\n"})
  void completeStreamHasNoPartialEvent(String tail) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(DEFAULT_MAX, events::add);
    parser.handle(Buffer.buffer("data: a\n\n" + tail));

    assertThat(parser.hasPartialEvent()).isFalse();
    assertThat(parser.end()).isFalse();
    assertThat(events).containsExactly(message("a"));
  }

  @Test
  void handleAfterEndIsRejected() {
    SseParser parser = new SseParser(DEFAULT_MAX, event -> { });
    parser.end();
    assertThatThrownBy(() -> parser.handle(Buffer.buffer("data: a\n\n")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void handlerMayEndTheStreamMidRead() {
    List<SseEvent> events = new ArrayList<>();
    SseParser[] parser = new SseParser[1];
    parser[0] = new SseParser(DEFAULT_MAX, event -> {
      events.add(event);
      if (ChatChunk.isDone(event.data())) {
        parser[0].end();
      }
    });
    parser[0].handle(Buffer.buffer("data: x\n\ndata: [DONE]\n\ndata: ignored\n\ndata: trailing"));

    assertThat(events).containsExactly(message("x"), message("[DONE]"));
    assertThat(parser[0].hasPartialEvent()).isFalse();
  }

  /** Parsers share a scratch array per thread; one fed from inside another's event must not disturb it. */
  @Test
  void aHandlerMayFeedAnotherParserFromInsideAnEvent() {
    List<SseEvent> inner = new ArrayList<>();
    SseParser innerParser = new SseParser(DEFAULT_MAX, inner::add);
    List<SseEvent> outer = new ArrayList<>();
    SseParser outerParser = new SseParser(DEFAULT_MAX, event -> {
      outer.add(event);
      innerParser.handle(Buffer.buffer("data: inner-" + event.data() + "\n\ndata: overwrites the outer read\n\n"));
    });
    outerParser.handle(Buffer.buffer("data: 1\n\ndata: 2\n\ndata: 3"));
    outerParser.handle(Buffer.buffer("\n\n"));

    assertThat(outer).containsExactly(message("1"), message("2"), message("3"));
    assertThat(inner).extracting(SseEvent::data).containsExactly(
        "inner-1", "overwrites the outer read", "inner-2", "overwrites the outer read",
        "inner-3", "overwrites the outer read");
  }

  @Test
  void aReadLargerThanTheScratchArrayIsParsedWhole() {
    String big = "x".repeat(20_000);
    assertThat(parse("data: a\n\ndata: " + big + "\n\ndata: b\n\n"))
        .containsExactly(message("a"), message(big), message("b"));
  }

  static Stream<Arguments> oversizedEvents() {
    byte[] longLine = utf8("data: 0123456789\n\n");
    byte[] manyLines = utf8("data: 12345\ndata: 12345\ndata: 12345\n\n");
    return Stream.of(
        Arguments.of("one long line in one read", 10, List.of(longLine)),
        Arguments.of("one long line growing over reads", 10, byteAtATime(longLine)),
        Arguments.of("a long comment", 10, List.of(utf8(": 0123456789abcdef\n"))),
        Arguments.of("lines adding up in one read", 30, List.of(manyLines)),
        Arguments.of("lines adding up over reads", 30, byteAtATime(manyLines)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oversizedEvents")
  void eventLargerThanLimitIsRejected(String description, int max, List<byte[]> reads) {
    assertThatThrownBy(() -> parse(max, reads)).isInstanceOf(SseFormatException.class);
  }

  @Test
  void limitAppliesPerEventAndCommentsDoNotAddUp() {
    // 11 bytes of data plus one 6-byte comment line fit in 17; twenty comments would not.
    String event = "data: 12345\n" + ": ping\n".repeat(20) + "\n";
    byte[] stream = utf8(event.repeat(50));

    assertThatCode(() -> parse(17, byteAtATime(stream))).doesNotThrowAnyException();
    assertThat(parse(17, List.of(stream))).hasSize(50).containsOnly(message("12345"));
  }

  static List<byte[]> split(byte[] bytes, int at) {
    return List.of(
        Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, at, bytes.length));
  }
}
