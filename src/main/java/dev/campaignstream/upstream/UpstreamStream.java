package dev.campaignstream.upstream;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.config.RetrySettings;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.StreamError;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of one campaign stream: one OpenAI call (retried while nothing has reached
 * the caller), its server-sent events parsed as they arrive, and each delta sent to the HTTP
 * side as a chunk frame, never more than the credit the HTTP side has granted. Out of credit,
 * the upstream response is paused, so TCP backpressure reaches OpenAI. Runs on its verticle's
 * event loop only.
 */
final class UpstreamStream {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamStream.class);
  private static final int MAX_EVENT_BYTES = 1 << 20;

  private final OpenStream open;
  private final UpstreamStreams owner;
  private final OpenAiSettings settings;
  private final ArrayDeque<Frame> pending = new ArrayDeque<>();
  private final long startedNanos = System.nanoTime();
  private long credits;
  private long seq;
  private int attempts;
  private boolean retryPending;
  private long waitedMs;
  private HttpClientRequest request;
  private HttpClientResponse response;
  private boolean paused;
  private boolean upstreamDone;
  private boolean closed;
  private boolean doneSeen;
  private String finishReason;
  private JsonObject usage;
  long lastUpstreamNanos = startedNanos;
  long lastHeardNanos = startedNanos;
  long lastSentNanos = startedNanos;

  UpstreamStream(OpenStream open, UpstreamStreams owner, OpenAiSettings settings) {
    this.open = open;
    this.owner = owner;
    this.settings = settings;
    this.credits = open.credits();
  }

  String id() {
    return open.streamId();
  }

  /**
   * One attempt, through the circuit breaker: a failed connection or an overloaded answer
   * (408, 429, 5xx) counts against the circuit; a stream or a refusal (other 4xx) does not.
   */
  void start() {
    int attempt = ++attempts;
    owner.breaker().<Answer>execute(() -> owner.call(open).compose(this::send).compose(Answer::read)
            // A caller leaving is not an OpenAI failure: it must not count towards opening the circuit.
            .recover(failure -> closed || failure instanceof CancellationException
                ? Future.succeededFuture(null) : Future.failedFuture(failure)))
        .onSuccess(answer -> {
          if (answer != null) {
            onAnswer(attempt, answer);
          }
        })
        .onFailure(failure -> {
          if (attempt != attempts) {
            return;
          }
          if (failure instanceof OpenCircuitException) {
            fail(UpstreamErrors.circuitOpen(settings.circuit().resetTimeoutMs()));
          } else if (failure instanceof Answer.Overloaded overloaded) {
            owner.metrics().upstreamStatus(overloaded.answer.status());
            onErrorStatus(overloaded.answer);
          } else if (!(failure instanceof CancellationException)) {
            onAttemptFailed(UpstreamErrors.connectionFailed(), null, failure);
          }
        });
  }

  /**
   * OpenAI's answer to one attempt: a stream (paused until its handlers are set, since the breaker
   * hands it on asynchronously), or an error status with its body read at once.
   */
  private record Answer(HttpClientResponse stream, int status, MultiMap headers, Buffer body) {

    static Future<Answer> read(HttpClientResponse response) {
      if (response.statusCode() == 200) {
        response.pause();
        // Until onAnswer sets its own: a reset during the hand-over is not worth an ERROR line.
        response.exceptionHandler(ignored -> { });
        return Future.succeededFuture(new Answer(response, 200, response.headers(), null));
      }
      return response.body()
          .recover(unreadable -> Future.succeededFuture(null))
          .compose(body -> {
            Answer answer = new Answer(null, response.statusCode(), response.headers(), body);
            return UpstreamErrors.isOutage(answer.status)
                ? Future.failedFuture(new Overloaded(answer))
                : Future.succeededFuture(answer);
          });
    }

    /** An overloaded answer travels as a failure so that the breaker counts it. */
    static final class Overloaded extends RuntimeException {
      final transient Answer answer;

      Overloaded(Answer answer) {
        super("OpenAI answered " + answer.status, null, false, false);
        this.answer = answer;
      }
    }
  }

  private Future<HttpClientResponse> send(HttpClientRequest created) {
    request = created;
    // Its failures arrive through the send future; a reset of ours is not worth an ERROR line.
    created.exceptionHandler(ignored -> { });
    // The caller may have left while the connection was being made.
    if (closed) {
      created.reset();
      return Future.failedFuture(new CancellationException("the caller left"));
    }
    return created.send(ChatRequest.body(settings.model(), open.prompt()));
  }

  private void onAnswer(int attempt, Answer result) {
    if (closed || attempt != attempts) {
      if (result.stream() != null) {
        result.stream().request().reset();
      }
      return;
    }
    lastUpstreamNanos = System.nanoTime();
    owner.metrics().upstreamStatus(result.status());
    if (result.stream() == null) {
      onErrorStatus(result);
      return;
    }
    HttpClientResponse answer = result.stream();
    response = answer;
    SseParser parser = new SseParser(MAX_EVENT_BYTES, event -> onData(event.data()));
    answer.handler(buffer -> {
      lastUpstreamNanos = System.nanoTime();
      try {
        parser.handle(buffer);
      } catch (SseFormatException e) {
        fail(UpstreamErrors.malformed());
      }
    });
    // Events of an attempt given up on (reset, then retried) must not touch the next one.
    // Vert.x reports a closed connection at once, ahead of reads it still holds for the response
    // (paused for the hand-over above): they are parsed first, so that text OpenAI sent before
    // the cut reaches the caller, followed by the error marker, instead of being dropped.
    answer.exceptionHandler(failure -> owner.afterQueued(() -> {
      if (attempt == attempts) {
        onBroken(failure);
      }
    }));
    answer.endHandler(v -> {
      if (attempt == attempts) {
        onUpstreamEnd();
      }
    });
    answer.resume();
  }

  private void onErrorStatus(Answer answer) {
    StreamError error = UpstreamErrors.forStatus(answer.status(), answer.headers(), answer.body());
    if (UpstreamErrors.isRetryableStatus(answer.status(), answer.body())) {
      onAttemptFailed(error, UpstreamErrors.retryAfterMillis(answer.headers()), null);
    } else {
      fail(error);
    }
  }

  private void onData(String data) {
    if (upstreamDone) {
      return;
    }
    if (ChatChunk.isDone(data)) {
      doneSeen = true;
      return;
    }
    ChatChunk chunk;
    try {
      chunk = ChatChunk.parse(data);
    } catch (RuntimeException e) {
      fail(UpstreamErrors.malformed());
      return;
    }
    if (chunk.isError()) {
      fail(UpstreamErrors.inStream(chunk.error()));
      return;
    }
    if (chunk.hasContent()) {
      if (seq == 0) {
        owner.metrics().firstTokenFromUpstream(System.nanoTime() - startedNanos);
      }
      emit(Frame.chunk(id(), ++seq, chunk.content()));
    }
    if (chunk.finishReason() != null) {
      finishReason = chunk.finishReason();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
  }

  private void onUpstreamEnd() {
    if (upstreamDone) {
      return;
    }
    if (doneSeen || finishReason != null) {
      upstreamDone = true;
      owner.metrics().usage(usage);
      terminal(Frame.end(id(), finishReason == null ? "stop" : finishReason, usage));
    } else {
      onBroken(null);
    }
  }

  /** The connection broke or the stream ended without its end. */
  private void onBroken(Throwable failure) {
    if (upstreamDone) {
      return;
    }
    if (seq == 0) {
      onAttemptFailed(UpstreamErrors.cut(false), null, failure);
    } else {
      fail(UpstreamErrors.cut(true));
    }
  }

  /**
   * An attempt failed before any text was produced: try again after a backoff if the budget
   * allows, else report the failure.
   */
  private void onAttemptFailed(StreamError error, Long retryAfterMs, Throwable cause) {
    if (closed || upstreamDone || retryPending) {
      return;
    }
    RetrySettings retry = settings.retry();
    long backoff = retryAfterMs != null ? retryAfterMs : jitteredBackoff(retry);
    boolean canRetry = seq == 0 && attempts < retry.maxAttempts() && waitedMs + backoff <= retry.maxTotalWaitMs();
    LOG.warn("OpenAI call failed for stream {} (request {}): {}{}, attempt {} of {}", id(), open.requestId(),
        error.kind(), cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")", attempts, retry.maxAttempts());
    if (!canRetry) {
      fail(error);
      return;
    }
    owner.metrics().retry();
    owner.metrics().upstreamFailure(error.kind());
    // Marked first: resetting the attempt reports its own failure, which must not retry twice.
    retryPending = true;
    resetUpstream();
    response = null;
    waitedMs += backoff;
    owner.retried(this, backoff);
  }

  private long jitteredBackoff(RetrySettings retry) {
    long ceiling = Math.min(retry.maxBackoffMs(), retry.initialBackoffMs() << Math.min(20, attempts - 1));
    return ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
  }

  /** Called by the owner when a retry's backoff is over. */
  void retry() {
    retryPending = false;
    if (!closed && !upstreamDone) {
      start();
    }
  }

  private void emit(Frame chunk) {
    if (credits > 0 && pending.isEmpty()) {
      credits--;
      send(chunk);
    } else {
      pending.add(chunk);
      owner.buffered(1);
      if (response != null && !paused) {
        paused = true;
        response.pause();
      }
    }
  }

  /** The stream's last frame goes after the chunks still waiting for credit. */
  private void terminal(Frame frame) {
    if (pending.isEmpty()) {
      send(frame);
      close();
    } else {
      pending.add(frame);
      owner.buffered(1);
    }
  }

  void onFrame(Frame frame) {
    lastHeardNanos = System.nanoTime();
    switch (frame.type()) {
      case CREDIT -> {
        credits += frame.value();
        drain();
      }
      case CANCEL -> cancel();
      default -> {
        // PING: lastHeardNanos is all it is for.
      }
    }
  }

  private void drain() {
    while (!pending.isEmpty()) {
      Frame next = pending.peek();
      if (next.type() == Frame.Type.CHUNK) {
        if (credits == 0) {
          return;
        }
        credits--;
      }
      pending.poll();
      owner.buffered(-1);
      send(next);
      if (next.type() != Frame.Type.CHUNK) {
        close();
        return;
      }
    }
    if (paused && !upstreamDone) {
      paused = false;
      // Time spent paused for want of credit is not OpenAI's silence.
      lastUpstreamNanos = System.nanoTime();
      response.resume();
    }
  }

  /** The stream failed on this side: stop OpenAI and tell the caller after what it already has. */
  void fail(StreamError error) {
    if (upstreamDone || closed) {
      return;
    }
    upstreamDone = true;
    resetUpstream();
    owner.metrics().upstreamFailure(error.kind());
    if (seq == 0) {
      clearPending();
    }
    LOG.info("Stream {} (request {}) failed: {} {}", id(), open.requestId(), error.status(), error.kind());
    terminal(Frame.error(id(), error));
  }

  /** The caller is gone: stop OpenAI at once and forget everything. */
  void cancel() {
    if (closed) {
      return;
    }
    upstreamDone = true;
    clearPending();
    // Closed first: the reset fails the call in flight, which must read as the caller's doing.
    close();
    resetUpstream();
  }

  /** The worker is stopping: the caller hears it at once, ahead of any chunks still queued. */
  void abandon(StreamError error) {
    if (closed) {
      return;
    }
    upstreamDone = true;
    clearPending();
    send(Frame.error(id(), error));
    close();
    resetUpstream();
  }

  private void clearPending() {
    owner.buffered(-pending.size());
    pending.clear();
  }

  /** Timeouts and liveness, checked by the owner's periodic sweep. */
  void check(long now) {
    long liveness = TimeUnit.MILLISECONDS.toNanos(owner.livenessTimeoutMs());
    if (now - lastHeardNanos > liveness) {
      LOG.info("Stream {} (request {}): the HTTP side went silent, cancelling", id(), open.requestId());
      cancel();
      return;
    }
    if (!upstreamDone) {
      if (seq == 0 && now - startedNanos > ms(settings.firstTokenTimeoutMs())) {
        fail(UpstreamErrors.firstTokenTimeout(settings.firstTokenTimeoutMs()));
      } else if (seq > 0 && !paused && now - lastUpstreamNanos > ms(settings.idleTimeoutMs())) {
        fail(UpstreamErrors.idleTimeout(settings.idleTimeoutMs()));
      } else if (settings.totalTimeoutMs() > 0 && now - startedNanos > ms(settings.totalTimeoutMs())) {
        fail(UpstreamErrors.totalTimeout(settings.totalTimeoutMs()));
      }
    }
    if (!closed && now - lastSentNanos > TimeUnit.MILLISECONDS.toNanos(owner.heartbeatMs())) {
      send(Frame.ping(id()));
    }
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private void resetUpstream() {
    if (request != null) {
      request.reset();
    }
  }

  private void send(Frame frame) {
    lastSentNanos = System.nanoTime();
    owner.send(open.replyTo(), frame);
  }

  private void close() {
    closed = true;
    owner.remove(this);
  }
}
