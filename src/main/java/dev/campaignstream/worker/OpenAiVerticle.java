package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.FrameCodec;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The OpenAI worker: takes campaign streams from the event bus, calls OpenAI with
 * {@code stream: true}, and sends the text back as it arrives. Deployable on its own, on any
 * node of a cluster; the OpenAI key lives only here.
 */
public final class OpenAiVerticle extends VerticleBase {

  private static final int UPSTREAM_READ_BYTES = 4 * 1024;

  private final OpenAiSettings settings;
  private final StreamSettings streamSettings;
  private final OpenAck.Worker identity;
  private final WorkerLoad load;
  private final ServiceMetrics metrics;
  private final Tracing tracing;
  private HttpClient client;
  private WorkerStreams streams;

  /**
   * @param identity  this worker's node, model, and whether it calls the built-in simulator, told to callers
   * @param load      the node's count of what its workers hold, shared by all instances
   * @param metrics   where the worker's figures go
   * @param tracing   the node's traces, off or on
   */
  public OpenAiVerticle(OpenAiSettings settings, StreamSettings streamSettings, OpenAck.Worker identity,
      WorkerLoad load, ServiceMetrics metrics, Tracing tracing) {
    this.tracing = tracing;
    this.identity = identity;
    this.load = load;
    this.metrics = metrics;
    this.settings = settings;
    this.streamSettings = streamSettings;
  }

  @Override
  public Future<?> start() {
    FrameCodec.register(vertx.eventBus());
    client = vertx.createHttpClient(
        new HttpClientOptions()
            .setConnectTimeout((int) settings.connectTimeoutMs())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            // Fixed-size reads (Vert.x sets Netty's fixed receive allocator with it). A stream paused
            // for want of credit still takes one batch of reads before the socket stops being read:
            // with the adaptive allocator that batch grows to 16 reads of 64 KB per connection, held in
            // memory for slow callers; 4 KB reads bound it to 64 KB, and a campaign stream (a few
            // hundred bytes per event) never needs more.
            .setReceiveBufferSize(UPSTREAM_READ_BYTES)
            .setDecompressionSupported(true),
        new PoolOptions().setHttp1MaxSize(settings.maxConnections()));
    streams = new WorkerStreams(vertx, client, settings, streamSettings, identity, load, metrics, tracing);
    return streams.start();
  }

  @Override
  public Future<?> stop() {
    return streams.stop().eventually(() -> client.close());
  }
}
