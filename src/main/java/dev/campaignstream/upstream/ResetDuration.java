package dev.campaignstream.upstream;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's {@code x-ratelimit-reset-*} durations, Go's notation: {@code 1s}, {@code 6m0s},
 * {@code 20ms}, {@code 1h2m3.5s}. Anything else is no duration (a server that writes plain
 * seconds, {@code 20}, is read as seconds too). Bounded, since an upstream's header must not
 * shut a route for days.
 */
public final class ResetDuration {

  /** Longer than any per-minute or per-day window a rate limit resets in. */
  static final long MAX_MILLIS = 24 * 3600 * 1000L;

  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|µs|ns)");
  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:h|ms|m|s|us|µs|ns))+");
  private static final Pattern SECONDS = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

  private ResetDuration() {
  }

  /** The duration in milliseconds, rounded up, or empty when the text is not one. */
  public static OptionalLong parseMillis(String text) {
    if (text == null || text.length() > 40) {
      return OptionalLong.empty();
    }
    String value = text.trim();
    if (SECONDS.matcher(value).matches()) {
      return OptionalLong.of(bounded(Double.parseDouble(value) * 1000));
    }
    if (!WHOLE.matcher(value).matches()) {
      return OptionalLong.empty();
    }
    double millis = 0;
    Matcher part = PART.matcher(value);
    while (part.find()) {
      double amount = Double.parseDouble(part.group(1));
      millis += switch (part.group(2)) {
        case "h" -> amount * 3_600_000;
        case "m" -> amount * 60_000;
        case "s" -> amount * 1000;
        case "ms" -> amount;
        case "us", "µs" -> amount / 1000;
        default -> amount / 1_000_000;
      };
    }
    return OptionalLong.of(bounded(millis));
  }

  private static long bounded(double millis) {
    return (long) Math.min(MAX_MILLIS, Math.ceil(millis));
  }
}
