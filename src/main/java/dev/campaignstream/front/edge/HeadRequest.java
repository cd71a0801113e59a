package dev.campaignstream.front.edge;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.ext.web.RoutingContext;

/**
 * A {@code HEAD} request routed as {@code GET} (RFC 9110 section 9.3.2: the same head, no body).
 * The response stays the original's, which knows it answers {@code HEAD} and writes no body.
 * Handlers that would start work for the body ask {@link #isHead}; the mark is a header the gate
 * removes from every request first, so no caller can set it.
 */
public final class HeadRequest extends HttpServerRequestWrapper {

  private static final String MARK = "X-Campaign-Stream-Head";

  HeadRequest(HttpServerRequestInternal delegate) {
    super(delegate);
    delegate.headers().set(MARK, "1");
  }

  @Override
  public HttpMethod method() {
    return HttpMethod.GET;
  }

  /** Whether the caller asked for the head only. */
  public static boolean isHead(RoutingContext rc) {
    return rc.request().headers().contains(MARK);
  }

  static void clearMark(HttpServerRequest request) {
    request.headers().remove(MARK);
  }
}
