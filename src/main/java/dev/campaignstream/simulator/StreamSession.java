package dev.campaignstream.simulator;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted {@code /chat/completions} request: a stream, possibly ended early by a mid-stream fault, or a
 * hang. Confined to the request's event loop, so its state needs no locking; only the {@link Counters} are
 * shared.
 */
final class StreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

  /** Content events written in one turn when there is no interval, before the event loop serves others. */
  private static final int MAX_BATCH = 64;
  /** With keep-alive comments on, one comment before every this-many content chunks. */
  private static final int KEEP_ALIVE_EVERY = 8;

  private final Vertx vertx;
  private final Context context;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Behaviour behaviour;
  private final JsonObject body;
  private final Counters counters;
  private final String requestId;
  private final long receivedAtNanos;

  private final List<String> source;
  private final boolean generated;
  private final int totalChunks;
  private final Fault.MidStream midStream; // null if none
  private final int faultAt;          // content chunks sent before the mid-stream fault, -1 if none
  private final EventWriter out;

  private ChunkFormat format;
  private int sent;                   // content chunks written so far
  private boolean finished;           // counters settled; nothing more is written
  private boolean waitingForDrain;
  private long timerId = -1;

  StreamSession(Vertx vertx, HttpServerRequest request, Behaviour behaviour, JsonObject body, Counters counters,
                String requestId, long receivedAtNanos) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.request = request;
    this.response = request.response();
    this.behaviour = behaviour;
    this.body = body;
    this.counters = counters;
    this.requestId = requestId;
    this.receivedAtNanos = receivedAtNanos;
    this.generated = behaviour.deltas() == null;
    this.source = generated ? CampaignWriter.deltas(ChatRequests.lastUserText(body)) : behaviour.deltas();
    this.totalChunks = behaviour.chunks() > 0 ? behaviour.chunks() : source.size();
    this.midStream = behaviour.fault() instanceof Fault.MidStream f ? f : null;
    this.faultAt = midStream == null ? -1 : Math.min(midStream.after(), totalChunks);
    this.out = new EventWriter(response, behaviour.framing());
  }

  void start() {
    counters.started.incrementAndGet();
    counters.active.incrementAndGet();
    // Either signal means the client is gone; whichever comes first settles the counters.
    response.closeHandler(v -> onClientGone(null));
    response.exceptionHandler(this::onClientGone);
    response.drainHandler(v -> {
      if (waitingForDrain) {
        waitingForDrain = false;
        pump();
      }
    });
    if (behaviour.fault() instanceof Fault.Hang) {
      return; // open and silent; the client's timeout ends this
    }
    long delay = behaviour.firstTokenDelay().pickMillis();
    if (delay > 0) {
      later(delay, this::begin);
    } else {
      begin();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private void onClientGone(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimer();
    counters.active.decrementAndGet();
    counters.aborted.incrementAndGet();
    LOG.debug("{}: client went away after {} chunks ({})", requestId, sent, cause == null ? "closed" : cause.toString());
  }

  /** Settles the counters before the final bytes are written, so whoever sees those sees exact counts. */
  private boolean settle(boolean completed) {
    if (finished) {
      return false;
    }
    finished = true;
    cancelTimer();
    counters.active.decrementAndGet();
    (completed ? counters.completed : counters.faulted).incrementAndGet();
    return true;
  }

  /** Runs {@code next} after {@code ms}, on a timer that the client leaving cancels. */
  private void later(long ms, Runnable next) {
    timerId = vertx.setTimer(ms, id -> {
      timerId = -1;
      next.run();
    });
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  // ---------------------------------------------------------------- the stream

  private void begin() {
    if (finished) {
      return;
    }
    format = new ChunkFormat(body.getString("model"), ChatRequests.includeUsage(body),
        behaviour.framing().lineEnding());
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    OpenAiHeaders.put(response, requestId, receivedAtNanos);
    out.write(format.role());
    pump();
  }

  /** Writes content until done, a fault, a timer, a full write queue or the end of a batch. */
  private void pump() {
    for (int batch = 0; !finished; batch++) {
      if (response.writeQueueFull()) {
        // The client (or TCP) is not draining: wait rather than buffer without bound.
        waitingForDrain = true;
        counters.paused.incrementAndGet();
        return;
      }
      if (sent == faultAt) {
        strike(midStream);
        return;
      }
      if (sent == totalChunks) {
        finish();
        return;
      }
      if (batch == MAX_BATCH) {
        context.runOnContext(v -> pump());
        return;
      }
      if (behaviour.framing().keepAliveComments() && sent % KEEP_ALIVE_EVERY == 0) {
        out.write(format.keepAlive());
      }
      out.write(format.content(delta(sent++)));
      long interval = behaviour.chunkInterval().pickMillis();
      if (interval > 0) {
        later(interval, this::pump);
        return;
      }
    }
  }

  private void finish() {
    if (!settle(true)) {
      return;
    }
    out.write(format.finish(behaviour.finishReason()));
    if (ChatRequests.includeUsage(body)) {
      out.write(format.usage(ChatRequests.promptTokens(body), totalChunks));
    }
    out.write(format.done());
    response.end();
  }

  private void strike(Fault.MidStream fault) {
    if (fault instanceof Fault.Stall) {
      LOG.debug("{}: stalling after {} chunks", requestId, sent); // active until the client leaves
      return;
    }
    if (fault instanceof Fault.KeepAliveOnly keepAlive) {
      keepAliveUntilTheClientLeaves(keepAlive.every().toMillis());
      return;
    }
    if (!settle(false)) {
      return;
    }
    if (fault instanceof Fault.Cut) {
      LOG.debug("{}: cutting the connection after {} chunks", requestId, sent);
      request.connection().close();
    } else if (fault instanceof Fault.ErrorEvent e) {
      out.write(format.error(e.error()));
      response.end();
    } else if (fault instanceof Fault.Malformed) {
      out.write(format.malformed());
      response.end();
    } else {
      throw new IllegalStateException("a new kind of mid-stream fault: " + fault);
    }
  }

  private void keepAliveUntilTheClientLeaves(long everyMs) {
    later(everyMs, () -> {
      if (!finished) {
        out.write(format.keepAlive());
        keepAliveUntilTheClientLeaves(everyMs);
      }
    });
  }

  /** Content of chunk i; past the source's end the source repeats (generated text after a paragraph break). */
  private String delta(int i) {
    int n = source.size();
    if (i < n) {
      return source.get(i);
    }
    if (generated) {
      int r = i % (n + 1);
      return r == n ? "\n\n" : source.get(r);
    }
    return source.get(i % n);
  }
}
