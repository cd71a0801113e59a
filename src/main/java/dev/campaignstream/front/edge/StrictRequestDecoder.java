package dev.campaignstream.front.edge;

import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's request decoder, except that {@code Content-Length} with {@code Transfer-Encoding}
 * fails the request instead of Netty's default, which drops the length and goes on: a proxy that
 * frames by the length would then see different requests than the service (request smuggling).
 * The failure reaches {@link InvalidRequests}: {@code 400}, connection closed.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new RefusedRequest(400, FramingCheck.LENGTH_AND_CODING);
  }

  /** A request refused while decoding, with the status and detail the caller is told. */
  static final class RefusedRequest extends IllegalArgumentException {
    final int status;

    RefusedRequest(int status, String detail) {
      super(detail);
      this.status = status;
    }
  }
}
