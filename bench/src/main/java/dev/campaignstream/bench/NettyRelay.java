package dev.campaignstream.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;

/**
 * {@code netty-relay}: a second reference point for scenario 1, not a product. What a relay on the
 * JVM costs without Vert.x: Netty's epoll transport and HTTP codecs only, one pool of keep-alive
 * upstream connections per event loop, a caller and its upstream connection on the same loop, and
 * what one read from the upstream brought written to the caller with one flush. Beside the
 * pass-through Vert.x proxy it tells apart what the JVM and Netty cost per chunk from what Vert.x's
 * HTTP layer adds. The scripts run it in the proxy's place with {@code PROXY_KIND=netty-relay}.
 */
final class NettyRelay {

  /** Idle upstream connections of the current event loop; only that loop touches its own. */
  private static final FastThreadLocal<ArrayDeque<Channel>> IDLE = new FastThreadLocal<>() {
    @Override
    protected ArrayDeque<Channel> initialValue() {
      return new ArrayDeque<>();
    }
  };

  private NettyRelay() {
  }

  static int run(Args args) throws Exception {
    RelayOptions options = RelayOptions.from(args);
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.loops(), io);
    Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Bootstrap upstream = new Bootstrap()
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .remoteAddress(options.host(), options.upstreamPort())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new UpstreamHandler());
          }
        });
    String upstreamHost = options.host() + ":" + options.upstreamPort();
    new ServerBootstrap().group(group).channel(serverType)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new CallerHandler(upstream, upstreamHost));
          }
        })
        .bind(options.host(), options.port()).sync();
    return options.serveUntilKilled("netty-relay: " + options.loops() + " event loop(s), " + (epoll ? "epoll" : "nio")
        + ", upstream port " + options.upstreamPort());
  }

  /** A caller's connection: each request forwarded on an upstream connection of the same loop. */
  private static final class CallerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Bootstrap upstream;
    private final String upstreamHost;
    private Channel serving;

    CallerHandler(Bootstrap upstream, String upstreamHost) {
      this.upstream = upstream;
      this.upstreamHost = upstreamHost;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext caller, FullHttpRequest request) {
      FullHttpRequest forward = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
          request.content().retain());
      forward.headers().set(HttpHeaderNames.HOST, upstreamHost)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, forward.content().readableBytes());
      copy(request, forward, HttpHeaderNames.CONTENT_TYPE);
      copy(request, forward, HttpHeaderNames.ACCEPT);
      Channel idle = IDLE.get().pollLast();
      if (idle != null && idle.isActive()) {
        send(caller, idle, forward);
        return;
      }
      ChannelFuture connecting = upstream.clone(caller.channel().eventLoop()).connect();
      connecting.addListener(done -> {
        if (connecting.isSuccess()) {
          send(caller, connecting.channel(), forward);
        } else {
          forward.release();
          HttpResponse refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY,
              Unpooled.EMPTY_BUFFER);
          HttpUtil.setContentLength(refused, 0);
          caller.writeAndFlush(refused);
        }
      });
    }

    private static void copy(FullHttpRequest from, FullHttpRequest to, CharSequence name) {
      String value = from.headers().get(name);
      if (value != null) {
        to.headers().set(name, value);
      }
    }

    private void send(ChannelHandlerContext caller, Channel channel, FullHttpRequest forward) {
      serving = channel;
      channel.pipeline().get(UpstreamHandler.class).caller = caller;
      channel.writeAndFlush(forward);
    }

    /** The upstream connection answering this caller now, or null once it went back to the pool. */
    private Channel answering(ChannelHandlerContext caller) {
      return serving != null && serving.pipeline().get(UpstreamHandler.class).caller == caller ? serving : null;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext caller) {
      Channel channel = answering(caller);
      if (channel != null) {
        channel.config().setAutoRead(caller.channel().isWritable());
      }
      caller.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext caller) {
      // A caller who leaves mid-stream ends the upstream call, as the service does.
      Channel channel = answering(caller);
      if (channel != null) {
        channel.close();
      }
      caller.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext caller, Throwable cause) {
      caller.close();
    }
  }

  /** An upstream connection: its answer goes to the caller it serves, then it waits in the pool. */
  private static final class UpstreamHandler extends SimpleChannelInboundHandler<HttpObject> {
    private ChannelHandlerContext caller;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (caller == null) {
        return;
      }
      if (message instanceof HttpResponse answer) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, answer.status());
        String type = answer.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (type != null) {
          head.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        HttpUtil.setTransferEncodingChunked(head, true);
        caller.write(head);
      }
      if (message instanceof HttpContent content) {
        if (content.content().isReadable()) {
          caller.write(new DefaultHttpContent(content.content().retain()));
        }
        if (content instanceof LastHttpContent) {
          caller.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
          caller = null;
          ctx.channel().config().setAutoRead(true);
          IDLE.get().addLast(ctx.channel());
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      // What this read brought goes out together, at once: no chunk waits for a later one.
      if (caller != null) {
        caller.flush();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      IDLE.get().remove(ctx.channel());
      if (caller != null) {
        caller.close();
        caller = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
