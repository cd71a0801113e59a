package dev.campaignstream.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %escaped(...)} in the text log's pattern: what a caller can put in a log line (a path, a
 * header, a brand at DEBUG) cannot move the cursor, colour the terminal, forge a line of its own
 * or reorder the text around it. Control characters (C0, DEL, C1, so ESC and CR/LF too), the line
 * and paragraph separators and the bidirectional controls are written as a backslash, {@code x}
 * and two hex digits, or {@code u} and four; everything else is left as it is.
 */
public final class EscapingConverter extends CompositeConverter<ILoggingEvent> {

  @Override
  protected String transform(ILoggingEvent event, String in) {
    return escape(in);
  }

  /** {@code text} with every character a terminal or a viewer would act on spelled out. */
  public static String escape(String text) {
    int first = firstToEscape(text);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!mustEscape(c)) {
        out.append(c);
      } else if (c <= 0xFF) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static int firstToEscape(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (mustEscape(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean mustEscape(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\u061C'
        || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }
}
