package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.LoopWorkers;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.Peers;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.trace.ChatSpan;
import dev.campaignstream.trace.Tracing;
import dev.campaignstream.upstream.UpstreamMetrics;
import dev.campaignstream.upstream.UpstreamShare;
import dev.campaignstream.upstream.Upstreams;
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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one worker instance: it takes handshakes from {@link Addresses#OPEN}, and from the
 * HTTP verticle on its own event loop at {@link Addresses#openOn} (see {@link LoopWorkers}), keeps a
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
  private final List<Upstream> upstreams;
  private final WaitQueue<WorkerStream> queue = new WaitQueue<>();
  private final WorkerStream.Shared shared;
  private final Tracing tracing;
  private final String inbox = Addresses.newInbox("worker");
  private final Peers peers;
  private final Map<String, WorkerStream> streams = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final long sweepTick;
  private final LoopWorkers loopWorkers;
  /** The event loop this instance took same-loop handshakes on, once it did. */
  private String sameLoop;
  private long sweepTimer = -1;

  /** @param clients the HTTP client of each upstream, by its name */
  WorkerStreams(Vertx vertx, Function<String, HttpClient> clients, OpenAiSettings settings,
      StreamSettings streamSettings, OpenAck.Worker worker, WorkerLoad load, Upstreams nodeUpstreams,
      ServiceMetrics metrics, UpstreamMetrics upstreamMetrics, Tracing tracing) {
    this.tracing = tracing;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.worker = worker;
    this.load = load;
    this.upstreams = nodeUpstreams.all().stream()
        .map(share -> upstream(share, clients.apply(share.name()), settings))
        .toList();
    this.shared = new WorkerStream.Shared(vertx, new UpstreamRouter(upstreams), queue, nodeUpstreams,
        new RetryPolicy(settings.retry()), settings, metrics, upstreamMetrics, load);
    this.peers = new Peers(bus, inbox, streamSettings.heartbeatMs(), streamSettings.livenessTimeoutMs());
    this.loopWorkers = LoopWorkers.of(vertx);
    // Fine enough for the shortest timeout configured, coarse enough to cost nothing.
    long shortest = Math.min(streamSettings.heartbeatMs(),
        Math.min(settings.firstTokenTimeoutMs(), settings.idleTimeoutMs()));
    this.sweepTick = Math.max(10, Math.min(250, shortest / 5));
  }

  /** This instance's end of one upstream: its own circuit breaker, and calls through it. */
  private Upstream upstream(UpstreamShare share, HttpClient client, OpenAiSettings settings) {
    CircuitBreaker breaker = CircuitBreaker.create("openai-" + share.name(), vertx, new CircuitBreakerOptions()
        .setMaxFailures(settings.circuit().maxFailures())
        .setResetTimeout(settings.circuit().resetTimeoutMs())
        // Our own timeouts end a hung call; the breaker only counts the outcome.
        .setTimeout(-1)
        // No state broadcasts on the (possibly clustered) event bus.
        .setNotificationAddress(null));
    share.track(breaker);
    URI uri = URI.create(share.settings().baseUrl());
    return new Upstream(share, breaker, new UpstreamCall(client, share.settings(), breaker), uri.getHost(), port(uri));
  }

  /** Runs on this instance's event loop, which names its same-loop address. */
  Future<Void> start() {
    String loop = LoopWorkers.currentLoop();
    MessageConsumer<Frame> frames = bus.consumer(inbox, message -> onFrame(message.body()));
    MessageConsumer<JsonObject> opens = bus.consumer(Addresses.OPEN, this::open);
    MessageConsumer<JsonObject> sameLoopOpens = bus.localConsumer(Addresses.openOn(loop), this::open);
    MessageConsumer<JsonObject> probes = bus.consumer(Addresses.PROBE, probe -> probe.reply(load.health()));
    consumers.add(frames);
    consumers.add(opens);
    consumers.add(sameLoopOpens);
    consumers.add(probes);
    sweepTimer = vertx.setPeriodic(sweepTick, id -> sweep());
    return Future.all(List.of(frames.completion(), opens.completion(), sameLoopOpens.completion(),
        probes.completion())).onSuccess(v -> {
          loopWorkers.add(loop);
          sameLoop = loop;
        }).mapEmpty();
  }

  Future<Void> stop() {
    if (sameLoop != null) {
      // First: an HTTP verticle on this loop falls back to the shared address from now on.
      loopWorkers.remove(sameLoop);
      sameLoop = null;
    }
    vertx.cancelTimer(sweepTimer);
    StreamError stopping = new StreamError(503, "worker_stopped", "The campaign writer stopped, try again", 1L);
    new ArrayList<>(streams.values()).forEach(stream -> stream.abandon(stopping));
    for (Upstream upstream : upstreams) {
      upstream.share().untrack(upstream.breaker());
      upstream.breaker().close();
    }
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private void open(Message<JsonObject> message) {
    OpenStream open = OpenStream.fromJson(message.body());
    Peer peer = peers.attach(open.replyTo());
    String model = open.model() != null ? open.model() : settings.model();
    // Before the reply, which ends the bus message's span that is its parent.
    Upstream first = upstreams.get(0);
    ChatSpan span = ChatSpan.start(tracing, new ChatSpan.Call(model, first.host(), first.port(),
        open.requestId(), open.prompt(), ChatRequest.SYSTEM_PROMPT));
    WorkerStream[] made = new WorkerStream[1];
    made[0] = new WorkerStream(open, peer, shared, span, () -> closed(made[0]));
    streams.put(open.streamId(), made[0]);
    load.streamOpened();
    message.reply(new OpenAck(inbox, new OpenAck.Worker(worker.node(), model, worker.simulated())).toJson());
    made[0].start();
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
      // Its upstream's place is free: the longest waiting may have it.
      queue.release(WorkerStream::tryLeaveWait);
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
    // Places freed by other instances, and rate limits reset, are seen here.
    queue.release(WorkerStream::tryLeaveWait);
  }
}
