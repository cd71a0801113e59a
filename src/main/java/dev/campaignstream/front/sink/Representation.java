package dev.campaignstream.front.sink;

import io.vertx.ext.web.MIMEHeader;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The ways {@code GET /campaign} can answer, chosen from the caller's {@code Accept}; the order is
 * that of preference when a range ({@code *}{@code /*}, {@code application/*}) matches several.
 */
public enum Representation {
  PLAIN("text", "plain"),
  EVENT_STREAM("text", "event-stream"),
  JSON("application", "json"),
  NDJSON("application", "x-ndjson");

  private final String type;
  private final String subtype;

  Representation(String type, String subtype) {
    this.type = type;
    this.subtype = subtype;
  }

  public String mediaType() {
    return type + "/" + subtype;
  }

  /** Every media type there is, for a 406 to list. */
  public static String acceptable() {
    return Arrays.stream(values()).map(Representation::mediaType).collect(Collectors.joining(", "));
  }

  /**
   * Picks the representation for a parsed {@code Accept} (already ordered by preference).
   * No {@code Accept}, {@code *}{@code /*} and {@code text/*} mean plain text, as the original
   * served. Returns null when nothing acceptable can be produced.
   */
  public static Representation negotiate(List<MIMEHeader> accepted) {
    if (accepted == null || accepted.isEmpty()) {
      return PLAIN;
    }
    for (MIMEHeader header : accepted) {
      if (header.weight() <= 0) {
        continue;
      }
      for (Representation candidate : values()) {
        if (candidate.matches(header.component(), header.subComponent())) {
          return candidate;
        }
      }
    }
    return null;
  }

  private boolean matches(String component, String subComponent) {
    boolean anyType = "*".equals(component);
    boolean anySubtype = "*".equals(subComponent);
    return (anyType || type.equalsIgnoreCase(component)) && (anySubtype || subtype.equalsIgnoreCase(subComponent));
  }
}
