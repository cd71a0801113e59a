package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.FrameCodec;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.trace.Tracing;
import dev.campaignstream.upstream.UpstreamMetrics;
import java.util.HashMap;
import java.util.Map;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import dev.campaignstream.config.UpstreamSettings;

/**
 * The OpenAI worker: takes campaign streams from the event bus, calls one of the upstreams with
 * {@code stream: true}, and sends the text back as it arrives. Deployable on its own, on any
 * node of a cluster; the upstreams' keys live only here. Each upstream has a client of its own,
 * so that its pool is its own.
 */
public final class OpenAiVerticle extends VerticleBase {

  private static final int UPSTREAM_READ_BYTES = 4 * 1024;
  /** What servers commonly allow per connection (SETTINGS_MAX_CONCURRENT_STREAMS), to size the pool by. */
  private static final int HTTP2_STREAMS_PER_CONNECTION = 100;

  private final OpenAiSettings settings;
  private final StreamSettings streamSettings;
  private final OpenAck.Worker identity;
  private final WorkerLoad load;
  private final ServiceMetrics metrics;
  private final Tracing tracing;
  private final UpstreamMetrics upstreamMetrics;
  private final Map<String, HttpClient> clients = new HashMap<>();
  private WorkerStreams streams;

  /**
   * Makes the upstreams' clients here, on the deploying thread, not in {@link #start()}: making a
   * client takes an event loop from Vert.x's round of them (for its pool's cleaner), and Vert.x makes
   * every instance of a deployment first and then deals the instances to loops in turn while the
   * first ones already start. A client made in {@code start()} could take a loop between two
   * instances' turns and put two workers on one loop, leaving another loop's HTTP verticle without
   * a worker of its own (see {@code LoopWorkers}).
   *
   * @param vertx     the node's Vert.x, which the clients belong to
   * @param identity  this worker's node, model, and whether it calls the built-in simulator, told to callers
   * @param load      the node's count of what its workers hold and its upstreams, shared by all instances
   * @param metrics   where the worker's figures go
   * @param upstreamMetrics where each upstream's figures go
   * @param tracing   the node's traces, off or on
   */
  public OpenAiVerticle(Vertx vertx, OpenAiSettings settings, StreamSettings streamSettings, OpenAck.Worker identity,
      WorkerLoad load, ServiceMetrics metrics, UpstreamMetrics upstreamMetrics, Tracing tracing) {
    this.tracing = tracing;
    this.upstreamMetrics = upstreamMetrics;
    this.identity = identity;
    this.load = load;
    this.metrics = metrics;
    this.settings = settings;
    this.streamSettings = streamSettings;
    settings.upstreams().forEach(upstream -> clients.put(upstream.name(), client(vertx, upstream)));
  }

  @Override
  public Future<?> start() {
    FrameCodec.register(vertx.eventBus());
    streams = new WorkerStreams(vertx, clients::get, settings, streamSettings, identity, load, load.upstreams(),
        metrics, upstreamMetrics, tracing);
    return streams.start().onSuccess(v -> load.instanceStarted());
  }

  private HttpClient client(Vertx vertx, UpstreamSettings upstream) {
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout((int) settings.connectTimeoutMs())
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        // Fixed-size reads (Vert.x sets Netty's fixed receive allocator with it). A stream paused
        // for want of credit still takes one batch of reads before the socket stops being read:
        // with the adaptive allocator that batch grows to 16 reads of 64 KB per connection, held in
        // memory for slow callers; 4 KB reads bound it to 64 KB, and a campaign stream (a few
        // hundred bytes per event) never needs more.
        .setReceiveBufferSize(UPSTREAM_READ_BYTES)
        // No decompressor in the pipeline, a hop for every read: the request asks for the stream
        // uncompressed (UpstreamCall).
        .setDecompressionSupported(false);
    // The node's count of places (UpstreamShare) keeps all instances together within this; a
    // stream waits for a place rather than in the pool, so that its wait is bounded and named.
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.maxConnections());
    if (upstream.http2()) {
      // Each stream has its own flow-control window: a paused one holds its upstream stream back,
      // not the connection's others. The server's limit of streams per connection sets how many
      // share one; the pool opens more as they fill.
      options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false);
      pool.setHttp2MaxSize(Math.max(1, settings.maxConnections() / HTTP2_STREAMS_PER_CONNECTION));
    }
    return vertx.createHttpClient(options, pool);
  }

  @Override
  public Future<?> stop() {
    load.instanceStopped();
    return streams.stop().eventually(() -> Future.all(clients.values().stream().map(HttpClient::close).toList()));
  }
}
