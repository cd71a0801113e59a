package dev.campaignstream.front.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the request decoder and tells the {@link ConnectionWatch} that bytes arrived, before
 * they are decoded: on a kept-alive connection, the first bytes of a new request head start its
 * head timeout, as the connection's opening started the first one.
 */
final class HeadBytes extends ChannelInboundHandlerAdapter {

  /** The event fired ahead of each read. */
  static final Object ARRIVED = new Object() {
    @Override
    public String toString() {
      return "request bytes arrived";
    }
  };

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireUserEventTriggered(ARRIVED);
    ctx.fireChannelRead(msg);
  }
}
