package dev.campaignstream.front.edge;

import dev.campaignstream.front.Problem;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import dev.campaignstream.front.edge.StrictRequestDecoder.RefusedRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.x connection that sends no whole request head within the head timeout (of its
 * opening, or of the first bytes of a later head on a kept-alive connection, see {@link HeadBytes}),
 * or that has no request in flight for the idle timeout. It sits between Netty's codec
 * and Vert.x, so it counts parsed request heads in and ends of responses out: while a response is
 * being written the connection is busy however long it stays quiet (a paused slow reader, a
 * stream between chunks), which Vert.x's own idle timeout, counting bytes, would cut.
 */
final class ConnectionWatch extends ChannelDuplexHandler {

  private final long headTimeoutMs;
  private final long idleTimeoutMs;
  private int inFlight;
  /** After a request whose framing is ambiguous nothing more is read as a request. */
  private boolean discarding;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> headTimer;

  ConnectionWatch(long headTimeoutMs, long idleTimeoutMs) {
    this.headTimeoutMs = headTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    headTimer = ctx.executor().schedule(() -> headTimedOut(ctx), headTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Bytes of a new head on a connection with nothing in flight: the head must be whole in time. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event != HeadBytes.ARRIVED) {
      super.userEventTriggered(ctx, event);
    } else if (inFlight == 0 && headTimer == null && !discarding) {
      headTimer = ctx.executor().schedule(() -> headTimedOut(ctx), headTimeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      inFlight++;
      cancel();
      RefusedRequest refused = request.decoderResult().isSuccess() ? refusal(request) : null;
      if (refused != null) {
        // Vert.x hands a failed request to InvalidRequests: the problem, then the connection closes.
        request.setDecoderResult(DecoderResult.failure(refused));
        discarding = true;
      }
    }
    super.channelRead(ctx, msg);
  }

  private static RefusedRequest refusal(HttpRequest request) {
    if (request.protocolVersion().majorVersion() != 1) {
      // Netty reads any HTTP/x.y line; only HTTP/1.0 and HTTP/1.1 are spoken here (RFC 9110 15.6.6).
      return new RefusedRequest(505, "Only HTTP/1.0 and HTTP/1.1 are served here");
    }
    String ambiguity = FramingCheck.problem(request);
    return ambiguity == null ? null : new RefusedRequest(400, ambiguity);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof LastHttpContent && --inFlight == 0) {
      cancel();
      timer = ctx.executor().schedule(() -> ctx.close(), idleTimeoutMs, TimeUnit.MILLISECONDS);
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  /** RFC 9110 section 15.5.9: 408, then the connection is closed. */
  private void headTimedOut(ChannelHandlerContext ctx) {
    byte[] body = Problem.of(408, "No complete request head arrived in time").toJson().encode()
        .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
        Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    // Written from here, below Vert.x, which has no request to answer.
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (headTimer != null) {
      headTimer.cancel(false);
      headTimer = null;
    }
  }
}
