package dev.campaignstream.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who a request's {@code Authorization} header says the caller is: {@code Bearer <key>} (RFC 6750),
 * the key hashed with SHA-256 and looked up among the keys in force ({@link CallerKeys#find}, in
 * constant time). Nothing of the header is kept or returned but the caller it names. One instance
 * per event loop: it holds a {@link MessageDigest}, which is not thread-safe.
 */
public final class KeyVerifier {

  /** Longer than any key {@link KeyMaker} makes or an operator would hand out; longer ones are not hashed. */
  static final int MAX_KEY_LENGTH = 512;
  private static final String SCHEME = "Bearer";

  /** Why a request was refused, as the metrics and the access log name it (a fixed set). */
  public enum Refusal {
    /** No {@code Authorization}, or another scheme than Bearer: the caller sent no key. */
    MISSING("missing"),
    /** A Bearer value that cannot be a key (empty, too long, not a token68, several headers). */
    MALFORMED("malformed"),
    /** A well-formed key that is not in the keys file. */
    UNKNOWN("unknown"),
    /** A key the file declares with {@code disabled: true}. */
    DISABLED("disabled");

    public final String label;

    Refusal(String label) {
      this.label = label;
    }
  }

  /**
   * The outcome: the caller ({@code key}, also for a disabled one) or why there is none.
   *
   * @param key     the caller, null when the key is missing, malformed or unknown
   * @param refusal why the request is refused, null when it may go on
   */
  public record Verdict(CallerKey key, Refusal refusal) {
  }

  private final Supplier<CallerKeys> keys;
  private final MessageDigest sha256;

  public KeyVerifier(Supplier<CallerKeys> keys) {
    this.keys = keys;
    this.sha256 = sha256();
  }

  /** @param authorization every {@code Authorization} header of the request, as received */
  public Verdict verify(List<String> authorization) {
    if (authorization.isEmpty()) {
      return new Verdict(null, Refusal.MISSING);
    }
    if (authorization.size() > 1) {
      return new Verdict(null, Refusal.MALFORMED);
    }
    String value = authorization.get(0);
    if (!isBearer(value)) {
      return new Verdict(null, Refusal.MISSING);
    }
    int start = SCHEME.length();
    while (start < value.length() && value.charAt(start) == ' ') {
      start++;
    }
    if (start == SCHEME.length() || !isToken68(value, start)) {
      return new Verdict(null, Refusal.MALFORMED);
    }
    sha256.reset();
    CallerKey key = keys.get().find(sha256.digest(value.substring(start).getBytes(StandardCharsets.US_ASCII)));
    if (key == null) {
      return new Verdict(null, Refusal.UNKNOWN);
    }
    return new Verdict(key, key.disabled() ? Refusal.DISABLED : null);
  }

  /** The SHA-256 of a key, as the keys file writes it. */
  public static byte[] hash(String key) {
    return sha256().digest(key.getBytes(StandardCharsets.US_ASCII));
  }

  /** The scheme is case-insensitive (RFC 9110 11.1); a value without a space after it is malformed. */
  private static boolean isBearer(String value) {
    return value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        && (value.length() == SCHEME.length() || value.charAt(SCHEME.length()) == ' ');
  }

  /** token68 (RFC 9110 11.2): ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "=" padding. */
  private static boolean isToken68(String value, int start) {
    int end = value.length();
    if (end - start > MAX_KEY_LENGTH || end == start) {
      return false;
    }
    int i = start;
    while (i < end && tokenChar(value.charAt(i))) {
      i++;
    }
    if (i == start) {
      return false;
    }
    while (i < end && value.charAt(i) == '=') {
      i++;
    }
    return i == end;
  }

  private static boolean tokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}
