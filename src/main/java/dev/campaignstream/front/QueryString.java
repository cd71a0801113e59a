package dev.campaignstream.front;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's query string, decoded strictly: every {@code %} must start two hex digits, and the
 * bytes must be UTF-8 (no overlong forms, no surrogates); {@code +} is a space; names are exact
 * ({@code Prompt} is not {@code prompt}); only {@code &} separates pairs.
 *
 * <p>Vert.x's own decoding (Netty's {@code QueryStringDecoder}) throws on a bad escape, replaces
 * invalid UTF-8 with U+FFFD, and matches names ignoring case: the caller would get a 500, a brand
 * it never sent, or a parameter under a name it did not use.
 */
final class QueryString {

  private final Map<String, List<String>> values;

  private QueryString(Map<String, List<String>> values) {
    this.values = values;
  }

  /** A query that cannot be decoded; {@link #parameter} is the name it was in (raw when the name itself is bad). */
  static final class MalformedQueryException extends Exception {
    final String parameter;

    MalformedQueryException(String parameter, String reason) {
      super(reason, null, false, false);
      this.parameter = parameter;
    }

    Problem problem() {
      return new Problem(400, "Query parameter '" + parameter + "' " + getMessage(), parameter, "encoding", null);
    }
  }

  /** @param raw the query as it came in the request line, without {@code ?}; null when there is none */
  static QueryString parse(String raw) throws MalformedQueryException {
    Map<String, List<String>> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return new QueryString(values);
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      String name = decode(rawName, rawName);
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
      values.computeIfAbsent(name, absent -> new ArrayList<>(1)).add(value);
    }
    return new QueryString(values);
  }

  /** Every value sent under exactly this name, in order; empty when none. */
  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  private static String decode(String raw, String parameter) throws MalformedQueryException {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0 && isAscii(raw)) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw new MalformedQueryException(parameter,
              "has a malformed percent-escape: '%' must be followed by two hex digits");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        // Raw bytes of the request line reach here one char per byte (ISO-8859-1).
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      throw new MalformedQueryException(parameter, "is not valid UTF-8 once percent-decoded");
    }
  }

  private static boolean isAscii(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }
}
