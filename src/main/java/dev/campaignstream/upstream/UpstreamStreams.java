package dev.campaignstream.upstream;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.metrics.ServiceMetrics;
import dev.campaignstream.protocol.StreamError;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streams of one worker instance: it takes handshakes from {@link Addresses#OPEN}, keeps a
 * private inbox for the HTTP side's credits and cancels, makes the OpenAI calls through one
 * pooled client, and sweeps its streams periodically for timeouts and liveness.
 */
final class UpstreamStreams {

  private final Vertx vertx;
  private final EventBus bus;
  private final HttpClient client;
  private final OpenAiSettings settings;
  private final StreamSettings streamSettings;
  private final OpenAck.Worker worker;
  private final WorkerLoad load;
  private final ServiceMetrics metrics;
  private final CircuitBreaker breaker;
  private final String inbox = Addresses.newInbox("worker");
  private final String endpoint;
  private final Map<String, UpstreamStream> streams = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long sweepTimer = -1;

  UpstreamStreams(Vertx vertx, HttpClient client, OpenAiSettings settings, StreamSettings streamSettings,
      OpenAck.Worker worker, WorkerLoad load, ServiceMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.load = load;
    this.bus = vertx.eventBus();
    this.client = client;
    this.settings = settings;
    this.streamSettings = streamSettings;
    this.worker = worker;
    this.endpoint = settings.baseUrl().replaceAll("/+$", "") + "/chat/completions";
    this.breaker = CircuitBreaker.create("openai", vertx, new CircuitBreakerOptions()
            .setMaxFailures(settings.circuit().maxFailures())
            .setResetTimeout(settings.circuit().resetTimeoutMs())
            // Our own timeouts end a hung call; the breaker only counts the outcome.
            .setTimeout(-1)
            // No state broadcasts on the (possibly clustered) event bus.
            .setNotificationAddress(null));
    load.track(breaker);
  }

  ServiceMetrics metrics() {
    return metrics;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  void buffered(long delta) {
    load.buffered(delta);
  }

  Future<Void> start() {
    MessageConsumer<Frame> frames = bus.consumer(inbox, message -> {
      UpstreamStream stream = streams.get(message.body().streamId());
      if (stream != null) {
        stream.onFrame(message.body());
      }
    });
    MessageConsumer<JsonObject> opens = bus.consumer(Addresses.OPEN, this::open);
    MessageConsumer<JsonObject> probes = bus.consumer(Addresses.PROBE,
        probe -> probe.reply(new JsonObject().put("circuit", breaker.state().name())));
    consumers.add(frames);
    consumers.add(opens);
    consumers.add(probes);
    sweepTimer = vertx.setPeriodic(sweepTick(), id -> sweep());
    return Future.all(frames.completion(), opens.completion(), probes.completion()).mapEmpty();
  }

  Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    StreamError stopping = new StreamError(503, "worker_stopped", "The campaign writer stopped, try again", 1L);
    new ArrayList<>(streams.values()).forEach(stream -> stream.abandon(stopping));
    load.untrack(breaker);
    breaker.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void open(Message<JsonObject> message) {
    OpenStream open = OpenStream.fromJson(message.body());
    UpstreamStream stream = new UpstreamStream(open, this, settings);
    streams.put(stream.id(), stream);
    load.streamOpened();
    message.reply(new OpenAck(inbox, worker).toJson());
    stream.start();
  }

  /** Creates the OpenAI request of one attempt; the stream sends the body. */
  Future<HttpClientRequest> call(OpenStream open) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
        .putHeader("X-Client-Request-Id", open.requestId());
    if (settings.hasApiKey()) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey());
    }
    return client.request(options);
  }

  /** Runs {@code task} on this worker's event loop after what is already queued there. */
  void afterQueued(Runnable task) {
    vertx.runOnContext(v -> task.run());
  }

  void retried(UpstreamStream stream, long backoffMs) {
    vertx.setTimer(Math.max(1, backoffMs), id -> stream.retry());
  }

  void send(String address, Frame frame) {
    bus.send(address, frame);
  }

  void remove(UpstreamStream stream) {
    if (streams.remove(stream.id()) != null) {
      load.streamClosed();
    }
  }

  long livenessTimeoutMs() {
    return streamSettings.livenessTimeoutMs();
  }

  long heartbeatMs() {
    return streamSettings.heartbeatMs();
  }

  /** Fine enough for the shortest timeout configured, coarse enough to cost nothing. */
  private long sweepTick() {
    long shortest = Math.min(streamSettings.heartbeatMs(),
        Math.min(settings.firstTokenTimeoutMs(), settings.idleTimeoutMs()));
    return Math.max(10, Math.min(250, shortest / 5));
  }

  private void sweep() {
    if (streams.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (UpstreamStream stream : new ArrayList<>(streams.values())) {
      stream.check(now);
    }
  }
}
