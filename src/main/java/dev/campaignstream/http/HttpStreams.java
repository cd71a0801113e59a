package dev.campaignstream.http;

import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.metrics.ServiceMetrics;
import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The streams of one HTTP verticle instance: the callers it serves, each holding one of the
 * node's stream slots; the upstream streams it feeds, with their shared inbox on the event bus;
 * the handshake that hands each new upstream stream to a worker; and one periodic sweep that
 * keeps them alive (pings) and gives up on those whose worker went silent.
 */
final class HttpStreams {

  private final Vertx vertx;
  private final EventBus bus;
  private final StreamSettings settings;
  private final StreamLimiter limiter;
  private final ServiceMetrics metrics;
  private final SharedCampaigns shared;
  private final String inbox = Addresses.newInbox("http");
  private final Map<String, HttpStream> streams = new HashMap<>();
  private final Set<CallerStream> callers = new HashSet<>();
  private MessageConsumer<Frame> consumer;
  private long sweepTimer = -1;

  HttpStreams(Vertx vertx, StreamSettings settings, FrontNode node) {
    this.metrics = node.metrics();
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settings = settings;
    this.limiter = node.limiter();
    this.shared = node.shared();
  }

  Future<Void> start() {
    consumer = bus.consumer(inbox, message -> {
      Frame frame = message.body();
      HttpStream stream = streams.get(frame.streamId());
      if (stream != null) {
        stream.onFrame(frame);
      }
    });
    long tick = Math.max(10, Math.min(settings.heartbeatMs(), settings.livenessTimeoutMs() / 4));
    sweepTimer = vertx.setPeriodic(tick, id -> sweep());
    return consumer.completion();
  }

  Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    StreamError shutdown = new StreamError(503, "shutdown", "The service is shutting down, try again", 1L);
    // This instance's callers end now, whichever instance feeds their stream; then its own upstream streams.
    new ArrayList<>(callers).forEach(caller -> caller.abort(shutdown));
    new ArrayList<>(streams.values()).forEach(stream -> stream.fail(shutdown));
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Serves a caller (from the cache, a stream in flight or a new one), or answers 503 at once
   * when the node is at its cap. Every caller holds a slot, whatever serves it: each holds a
   * connection.
   */
  void open(HttpServerResponse response, CampaignSink sink, CampaignRequest request, AccessRecord access) {
    if (!limiter.tryAcquire()) {
      metrics.shed();
      refuse(response, access, new StreamError(503, "shed",
          "This node is serving its maximum of " + limiter.max() + " streams, try again shortly", 1L));
      return;
    }
    CallerStream caller = new CallerStream(vertx.getOrCreateContext(), sink, access, this, shared.maxLagChunks());
    callers.add(caller);
    response.closeHandler(v -> caller.callerGone());
    shared.serve(caller, request, this);
  }

  /** Starts the upstream stream that feeds {@code stream}, fed from this instance's event loop. */
  void startUpstream(SharedStream stream, CampaignRequest request) {
    HttpStream upstream = new HttpStream(UUID.randomUUID().toString(), stream, this, settings.creditWindow());
    streams.put(upstream.id(), upstream);
    stream.feed(upstream);
    OpenStream open = new OpenStream(upstream.id(), inbox, request.prompt(), settings.creditWindow(),
        request.requestId());
    bus.<JsonObject>request(Addresses.OPEN, open.toJson(),
            new DeliveryOptions().setSendTimeout(settings.handshakeTimeoutMs()))
        .onSuccess(reply -> upstream.accepted(OpenAck.fromJson(reply.body())))
        .onFailure(failure -> upstream.fail(handshakeFailure(failure)));
  }

  void send(String address, Frame frame) {
    bus.send(address, frame);
  }

  void firstChunk(long requestStartedNanos) {
    metrics.firstChunkToCaller(System.nanoTime() - requestStartedNanos);
  }

  /** Answers a caller that no stream will serve; counted and logged like a stream's error. */
  void refuse(HttpServerResponse response, AccessRecord access, StreamError error) {
    errorSent(access, error);
    Problem.of(error).send(response);
  }

  /** Every error a caller is sent is named in its access-log line and counted by kind. */
  void errorSent(AccessRecord access, StreamError error) {
    access.error = error.kind();
    metrics.callerError(error.status(), error.kind());
  }

  void chunksToCaller(int pieces) {
    metrics.chunksToCaller(pieces);
  }

  void cacheResult(CacheResult result) {
    metrics.cache(result.value());
  }

  /** A caller finished: its slot is free again. */
  void callerDone(CallerStream caller, AccessRecord access) {
    if (callers.remove(caller)) {
      limiter.release();
      metrics.streamEnded(access.representation, access.outcome, System.nanoTime() - access.startedNanos);
    }
  }

  void remove(HttpStream stream) {
    streams.remove(stream.id());
  }

  private void sweep() {
    if (streams.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    long liveness = TimeUnit.MILLISECONDS.toNanos(settings.livenessTimeoutMs());
    long heartbeat = TimeUnit.MILLISECONDS.toNanos(settings.heartbeatMs());
    for (HttpStream stream : new ArrayList<>(streams.values())) {
      if (!stream.isOpen()) {
        continue;
      }
      if (now - stream.lastHeardNanos > liveness) {
        stream.fail(new StreamError(503, "worker_lost",
            "The campaign writer stopped responding, try again", null));
      } else if (now - stream.lastSentNanos > heartbeat) {
        stream.ping();
      }
    }
  }

  private static StreamError handshakeFailure(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return new StreamError(503, "no_worker", "No campaign writer is available, try again later", 1L);
    }
    return new StreamError(503, "handshake_failed", "No campaign writer took the request in time, try again later", 1L);
  }
}
