package dev.campaignstream.front.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;

/**
 * Vert.x's request decoder, made strict where Netty's is lenient:
 * <ul>
 *   <li>{@code Content-Length} with {@code Transfer-Encoding} fails the request instead of Netty's
 *   default, which drops the length and goes on: a proxy that frames by the length would then see
 *   different requests than the service (request smuggling);</li>
 *   <li>an obs-fold (a header line that starts with a space or a tab, continuing the one before,
 *   or whitespace right after the request line) fails the request instead of being unfolded: two
 *   parsers may well disagree on where such a field ends, which RFC 9112 5.2 and 2.2 let a server
 *   refuse. Netty folds before anything can see the field, so the head's own bytes are read as the
 *   decoder consumes them.</li>
 * </ul>
 * A failed request reaches {@link InvalidRequests}: {@code 400}, connection closed.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  static final String FOLDED = "A header line that starts with white space (obs-fold) is refused";

  private final FoldScanner folds = new FoldScanner();
  /** Once a request is refused here, nothing after it on the connection is read as a request. */
  private boolean refused;

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new RefusedRequest(400, FramingCheck.LENGTH_AND_CODING);
  }

  /**
   * Netty decodes at most one request head per call and consumes only whole lines of it, so the
   * bytes consumed in one call belong to one head (or to a body, which the scanner skips).
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (refused) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    int from = buffer.readerIndex();
    int emitted = out.size();
    super.decode(ctx, buffer, out);
    folds.scan(buffer, from, buffer.readerIndex());
    for (int i = emitted; i < out.size(); i++) {
      Object part = out.get(i);
      if (part instanceof HttpRequest request && folds.folded() && request.decoderResult().isSuccess()) {
        request.setDecoderResult(DecoderResult.failure(new RefusedRequest(400, FOLDED)));
        refused = true;
      }
      if (part instanceof LastHttpContent) {
        folds.nextHead();
      }
    }
  }

  /** Whether the head being read has a line that starts with white space after its first line. */
  static final class FoldScanner {
    private boolean inHead = true;
    private boolean atLineStart = true;
    private int lineLength;
    private int lines;
    private boolean folded;

    void scan(ByteBuf buffer, int from, int to) {
      for (int i = from; i < to && inHead; i++) {
        byte b = buffer.getByte(i);
        if (b == '\n') {
          if (lineLength == 0 && lines > 0) {
            // The empty line ends the head; what follows is a body, up to the message's last content.
            inHead = false;
          } else if (lineLength > 0) {
            lines++;
          }
          atLineStart = true;
          lineLength = 0;
        } else if (b != '\r') {
          if (atLineStart && lines > 0 && (b == ' ' || b == '\t')) {
            folded = true;
          }
          atLineStart = false;
          lineLength++;
        }
      }
    }

    boolean folded() {
      return folded;
    }

    void nextHead() {
      inHead = true;
      atLineStart = true;
      lineLength = 0;
      lines = 0;
      folded = false;
    }
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
