package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.Peers;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.trace.ChatSpan;
import dev.campaignstream.trace.Tracing;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one worker instance: it takes handshakes from {@link Addresses#OPEN}, keeps a
 * private inbox for the HTTP side's credits, cancels and pings, and sweeps its streams
 * periodically for timeouts and its peers for liveness.
 */
final class WorkerStreams {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerStreams.class);

  private final Vertx vertx;
  private final EventBus bus;
  private final OpenAiSettings settings;
  private final OpenAck.Worker worker;
  private final WorkerLoad load;
  private final CircuitBreaker breaker;
  private final WorkerStream.Shared shared;
  private final Tracing tracing;
  private final URI upstream;
  private final String inbox = Addresses.newInbox("worker");
  private final Peers peers;
  private final Map<String, WorkerStream> streams = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final long sweepTick;
  private long sweepTimer = -1;

  WorkerStreams(Vertx vertx, HttpClient client, OpenAiSettings settings, StreamSettings streamSettings,
      OpenAck.Worker worker, WorkerLoad load, ServiceMetrics metrics, Tracing tracing) {
    this.tracing = tracing;
    this.upstream = URI.create(settings.baseUrl());
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.worker = worker;
    this.load = load;
    this.breaker = CircuitBreaker.create("openai", vertx, new CircuitBreakerOptions()
        .setMaxFailures(settings.circuit().maxFailures())
        .setResetTimeout(settings.circuit().resetTimeoutMs())
        // Our own timeouts end a hung call; the breaker only counts the outcome.
        .setTimeout(-1)
        // No state broadcasts on the (possibly clustered) event bus.
        .setNotificationAddress(null));
    this.shared = new WorkerStream.Shared(vertx, new UpstreamCall(client, settings, breaker),
        new RetryPolicy(settings.retry()), settings, metrics, load);
    this.peers = new Peers(bus, inbox, streamSettings.heartbeatMs(), streamSettings.livenessTimeoutMs());
    // Fine enough for the shortest timeout configured, coarse enough to cost nothing.
    long shortest = Math.min(streamSettings.heartbeatMs(),
        Math.min(settings.firstTokenTimeoutMs(), settings.idleTimeoutMs()));
    this.sweepTick = Math.max(10, Math.min(250, shortest / 5));
    load.track(breaker);
  }

  Future<Void> start() {
    MessageConsumer<Frame> frames = bus.consumer(inbox, message -> onFrame(message.body()));
    MessageConsumer<JsonObject> opens = bus.consumer(Addresses.OPEN, this::open);
    MessageConsumer<JsonObject> probes = bus.consumer(Addresses.PROBE,
        probe -> probe.reply(new JsonObject().put("circuit", breaker.state().name())));
    consumers.add(frames);
    consumers.add(opens);
    consumers.add(probes);
    sweepTimer = vertx.setPeriodic(sweepTick, id -> sweep());
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
    Peer peer = peers.attach(open.replyTo());
    // Before the reply, which ends the bus message's span that is its parent.
    ChatSpan span = ChatSpan.start(tracing, new ChatSpan.Call(settings.model(), upstream.getHost(), port(upstream),
        open.requestId(), open.prompt(), ChatRequest.SYSTEM_PROMPT));
    WorkerStream[] made = new WorkerStream[1];
    made[0] = new WorkerStream(open, peer, shared, span, () -> closed(made[0]));
    streams.put(open.streamId(), made[0]);
    load.streamOpened();
    message.reply(new OpenAck(inbox, worker).toJson());
    made[0].call();
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private void onFrame(Frame frame) {
    if (frame instanceof Frame.Ping ping) {
      peers.heard(ping);
      return;
    }
    WorkerStream stream = streams.get(frame.streamId());
    if (stream != null) {
      stream.peer().heard();
      stream.onFrame(frame);
    }
  }

  private void closed(WorkerStream stream) {
    if (streams.remove(stream.id(), stream)) {
      peers.detach(stream.peer());
      load.streamClosed();
    }
  }

  private void sweep() {
    if (streams.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Peer lost : peers.sweep(now)) {
      LOG.info("The HTTP side at {} went silent: cancelling its streams", lost.inbox());
      streams.values().stream().filter(stream -> stream.peer() == lost).toList().forEach(WorkerStream::cancel);
    }
    for (WorkerStream stream : new ArrayList<>(streams.values())) {
      stream.check(now);
    }
  }
}
