package dev.campaignstream.front.edge;

import dev.campaignstream.front.Problem;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the decoder could not parse, answered like every other error, as a problem, and then
 * the connection is closed: after a malformed head nothing on it can be framed with confidence.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.of(414, "The request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.of(431, "The request headers are too large");
    } else if (cause instanceof StrictRequestDecoder.RefusedRequest refused) {
      problem = Problem.of(refused.status, refused.getMessage());
    } else {
      problem = Problem.of(400, "The request is malformed");
    }
    RequestGate.refuseAndClose(request, problem);
  }
}
