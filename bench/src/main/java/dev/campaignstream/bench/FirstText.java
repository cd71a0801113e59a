package dev.campaignstream.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Finds the moment the first text of a campaign reaches a caller. Through the service, as plain
 * text, that is its first byte. Straight from an OpenAI-style event stream it is not: the stream
 * opens with a role chunk whose content is empty, so the first text is the first
 * {@code "content":"} followed by anything but the closing quote, found across buffer boundaries.
 */
final class FirstText {

  private static final byte[] FIELD = "\"content\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final boolean eventStream;
  private int matched;
  private boolean found;

  FirstText(boolean eventStream) {
    this.eventStream = eventStream;
  }

  /** Whether {@code buffer} holds the first text; true once only. */
  boolean in(Buffer buffer) {
    if (found) {
      return false;
    }
    if (!eventStream) {
      found = buffer.length() > 0;
      return found;
    }
    for (int i = 0; i < buffer.length(); i++) {
      byte b = buffer.getByte(i);
      if (matched == FIELD.length) {
        if (b != '"') {
          found = true;
          return true;
        }
        matched = 0;
      }
      if (b == FIELD[matched]) {
        matched++;
      } else {
        matched = b == FIELD[0] ? 1 : 0;
      }
    }
    return false;
  }
}
