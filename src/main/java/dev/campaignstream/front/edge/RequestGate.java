package dev.campaignstream.front.edge;

import dev.campaignstream.front.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;

/**
 * What a request passes before the router, its framing checked already ({@link ConnectionWatch}):
 * an allowed method (else {@code 405} or {@code 501}), {@code OPTIONS} answered here unless it is a
 * CORS preflight from an allowed origin (the router's {@link CrossOrigin} handler answers those),
 * and {@code HEAD} routed as {@code GET}, whose body Vert.x then leaves out.
 */
public final class RequestGate implements Handler<HttpServerRequest> {

  private final Handler<HttpServerRequest> router;
  private final CrossOrigin crossOrigin;

  private RequestGate(Handler<HttpServerRequest> router, CrossOrigin crossOrigin) {
    this.router = router;
    this.crossOrigin = crossOrigin;
  }

  public static RequestGate before(Handler<HttpServerRequest> router, CrossOrigin crossOrigin) {
    return new RequestGate(router, crossOrigin);
  }

  /** The answer to requests the decoder could not parse. */
  public static Handler<HttpServerRequest> invalidRequests() {
    return new InvalidRequests();
  }

  @Override
  public void handle(HttpServerRequest request) {
    HeadRequest.clearMark(request);
    Problem method = MethodPolicy.refusal(request.method(), request.path());
    if (method != null) {
      request.response().putHeader(HttpHeaders.ALLOW, MethodPolicy.ALLOW);
      method.send(request.response());
      return;
    }
    if (request.method() == HttpMethod.OPTIONS && !crossOrigin.isAllowedPreflight(request)) {
      request.response().setStatusCode(204).putHeader(HttpHeaders.ALLOW, MethodPolicy.ALLOW).end();
      return;
    }
    router.handle(request.method() == HttpMethod.HEAD
        ? new HeadRequest((HttpServerRequestInternal) request) : request);
  }

  /** Answers with the problem, then closes: what follows on this connection cannot be framed. */
  static void refuseAndClose(HttpServerRequest request, Problem problem) {
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    problem.send(request.response()).onComplete(sent -> request.connection().close());
  }
}
