package dev.campaignstream.front.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;

/**
 * Request framing that RFC 9112 sections 3.2 and 6 call ambiguous, checked on the head Netty
 * parsed, before Vert.x sees it. What Netty's decoder already refuses (differing
 * {@code Content-Length} values, whitespace before a colon) never gets here; nor does
 * {@code Content-Length} with {@code Transfer-Encoding}, see {@link StrictRequestDecoder}.
 */
final class FramingCheck {

  static final String LENGTH_AND_CODING = "Content-Length and Transfer-Encoding together frame a request ambiguously";

  private FramingCheck() {
  }

  /** Why the request's framing is ambiguous, or null when it is not. */
  static String problem(HttpRequest request) {
    HttpHeaders headers = request.headers();
    List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!codings.isEmpty()) {
      if (!lengths.isEmpty()) {
        return LENGTH_AND_CODING;
      }
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        return "Transfer-Encoding is not defined for HTTP/1.0";
      }
      if (!onlyChunked(codings)) {
        return "The only transfer coding accepted is chunked, once";
      }
    }
    if (lengths.size() > 1) {
      return "Content-Length is sent more than once";
    }
    if (lengths.size() == 1 && !lengths.get(0).matches("[0-9]{1,18}")) {
      return "Content-Length is not a number";
    }
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "Host is sent more than once";
    }
    if (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return "Host is required in HTTP/1.1";
    }
    return null;
  }

  private static boolean onlyChunked(List<String> codings) {
    String[] parts = String.join(",", codings).toLowerCase(Locale.ROOT).split(",", -1);
    return parts.length == 1 && parts[0].strip().equals("chunked");
  }
}
