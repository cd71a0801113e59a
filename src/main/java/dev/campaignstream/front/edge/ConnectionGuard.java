package dev.campaignstream.front.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Each new HTTP/1.x connection: refused at once past the node's cap, else given the strict
 * decoder and the {@link ConnectionWatch}. Vert.x names no public hook for either, so this reaches
 * into its Netty pipeline by the handler names Vert.x 5 gives it ({@code httpDecoder},
 * {@code handler}); {@code HttpEdgeTest} fails if they change.
 */
public final class ConnectionGuard implements Handler<HttpConnection> {

  private final ConnectionCap cap;
  private final HttpServerOptions options;
  private final long headTimeoutMs;
  private final long idleTimeoutMs;

  public ConnectionGuard(ConnectionCap cap, HttpServerOptions options, long headTimeoutMs, long idleTimeoutMs) {
    this.cap = cap;
    this.options = options;
    this.headTimeoutMs = headTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public void handle(HttpConnection connection) {
    Channel channel = ((ConnectionBase) connection).channel();
    if (!cap.tryOpen()) {
      channel.close();
      return;
    }
    channel.closeFuture().addListener(closed -> cap.closed());
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder) {
      pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
    }
    pipeline.addBefore("handler", "campaignConnectionWatch", new ConnectionWatch(headTimeoutMs, idleTimeoutMs));
    pipeline.addBefore("httpDecoder", "campaignHeadBytes", new HeadBytes());
  }
}
