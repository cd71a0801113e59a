package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.trace.ChatSpan;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of one campaign stream: OpenAI's events parsed as they arrive and each piece of
 * text sent to the HTTP side as a chunk, within the credit it granted ({@link CreditGate}); out of
 * credit, the upstream response is paused, so TCP backpressure reaches OpenAI. A failed call is
 * tried again while no text has been sent ({@link RetryPolicy}).
 *
 * <p>Its life is a {@link State}, changed only by {@link #to}, which refuses a move the machine
 * does not have. Runs on its verticle's event loop only.
 */
final class WorkerStream {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerStream.class);
  private static final int MAX_EVENT_BYTES = 1 << 20;

  /** Where a stream is in its life. */
  enum State {
    /** Taken from the HTTP side; no call made yet. */
    NEW,
    /** An attempt is under way: connecting, or waiting for OpenAI's answer. */
    CALLING,
    /** An attempt failed before any text; the next one waits for its backoff. */
    BACKING_OFF,
    /** OpenAI is streaming the answer. */
    STREAMING,
    /** OpenAI is done (or failed); the last frame waits behind chunks held for credit. */
    FLUSHING,
    /** The last frame went out, or the stream was cancelled: nothing more happens. */
    CLOSED;

    boolean mayBecome(State next) {
      return switch (this) {
        case NEW -> next == CALLING || next == CLOSED;
        case CALLING -> next != CALLING && next != NEW;
        case BACKING_OFF -> next == CALLING || next == FLUSHING || next == CLOSED;
        case STREAMING -> next == BACKING_OFF || next == FLUSHING || next == CLOSED;
        case FLUSHING -> next == CLOSED;
        case CLOSED -> false;
      };
    }
  }

  /** What all streams of one worker instance share. */
  record Shared(Vertx vertx, UpstreamCall call, RetryPolicy retry, OpenAiSettings settings, ServiceMetrics metrics,
      WorkerLoad load) {
  }

  private final OpenStream open;
  private final Peer peer;
  private final Shared shared;
  private final ChatSpan span;
  private final Runnable onClosed;
  private final CreditGate gate;
  private final long startedNanos = System.nanoTime();
  private State state = State.NEW;
  private int attempts;
  private long waitedMs;
  private long seq;
  private HttpClientRequest request;
  private HttpClientResponse response;
  private boolean paused;
  private boolean doneSeen;
  /** Whether this attempt's answer held any event at all: a 200 that ends without one is no stream. */
  private boolean eventSeen;
  private String finishReason;
  private JsonObject usage;
  private long lastUpstreamNanos = startedNanos;

  WorkerStream(OpenStream open, Peer peer, Shared shared, ChatSpan span, Runnable onClosed) {
    this.open = open;
    this.span = span;
    this.peer = peer;
    this.shared = shared;
    this.onClosed = onClosed;
    this.gate = new CreditGate(open.credits(), this::send, shared.load()::buffered);
  }

  String id() {
    return open.streamId();
  }

  Peer peer() {
    return peer;
  }

  State state() {
    return state;
  }

  // ------------------------------------------------------------------ events

  /** Makes an attempt: the first at once, a retry once its backoff is over. */
  void call() {
    to(State.CALLING);
    int attempt = ++attempts;
    span.around(() -> shared.call().attempt(open, created -> request = created,
            () -> state == State.CLOSED || attempt != attempts))
        .onSuccess(answer -> {
          if (answer != null) {
            answered(attempt, answer);
          }
        })
        .onFailure(failure -> {
          if (attempt != attempts || state != State.CALLING) {
            return;
          }
          if (failure instanceof OpenCircuitException) {
            fail(UpstreamErrors.circuitOpen(shared.settings().circuit().resetTimeoutMs()));
          } else if (failure instanceof UpstreamCall.Overloaded overloaded) {
            shared.metrics().upstreamStatus(overloaded.answer.status());
            refused(overloaded.answer);
          } else {
            attemptFailed(UpstreamErrors.connectionFailed(), null, failure);
          }
        });
  }

  /** A frame from the HTTP side. */
  void onFrame(Frame frame) {
    if (frame instanceof Frame.Credit credit) {
      credited(credit.credits());
    } else if (frame instanceof Frame.Cancel) {
      cancel();
    }
  }

  /** The HTTP side is gone (cancelled, silent, or unreachable): stop OpenAI at once and forget everything. */
  void cancel() {
    if (state == State.CLOSED) {
      return;
    }
    gate.clear();
    span.cancelled();
    // Closed first: the reset fails the call in flight, which must read as the caller's doing.
    close();
    resetUpstream();
  }

  /** The worker is stopping: the caller hears it at once, ahead of any chunks still held. */
  void abandon(StreamError error) {
    if (state == State.CLOSED) {
      return;
    }
    gate.clear();
    span.failed(error.kind());
    // Closed first: a frame the bus cannot deliver (the HTTP side stopping too) cancels the stream.
    close();
    send(new Frame.Failed(id(), error));
    resetUpstream();
  }

  /** Timeouts, checked by the worker's periodic sweep. */
  void check(long now) {
    OpenAiSettings settings = shared.settings();
    if (state == State.FLUSHING || state == State.CLOSED) {
      return;
    }
    if (seq == 0 && now - startedNanos > nanos(settings.firstTokenTimeoutMs())) {
      fail(UpstreamErrors.firstTokenTimeout(settings.firstTokenTimeoutMs()));
    } else if (seq > 0 && !paused && now - lastUpstreamNanos > nanos(settings.idleTimeoutMs())) {
      fail(UpstreamErrors.idleTimeout(settings.idleTimeoutMs()));
    } else if (settings.totalTimeoutMs() > 0 && now - startedNanos > nanos(settings.totalTimeoutMs())) {
      fail(UpstreamErrors.totalTimeout(settings.totalTimeoutMs()));
    }
  }

  // ------------------------------------------------------------------ one attempt's answer

  private void answered(int attempt, UpstreamCall.Answer answer) {
    if (state != State.CALLING || attempt != attempts) {
      if (answer.stream() != null) {
        answer.stream().request().reset();
      }
      return;
    }
    lastUpstreamNanos = System.nanoTime();
    shared.metrics().upstreamStatus(answer.status());
    if (answer.stream() == null) {
      refused(answer);
      return;
    }
    if (!isEventStream(answer.stream().getHeader(HttpHeaders.CONTENT_TYPE))) {
      fail(UpstreamErrors.notEventStream());
      return;
    }
    to(State.STREAMING);
    eventSeen = false;
    response = answer.stream();
    SseParser parser = new SseParser(MAX_EVENT_BYTES, event -> onData(event.data()));
    // Reads are not progress: only events that say something are (see onData), so that comments
    // or empty events cannot hold a caller past the idle timeout.
    response.handler(buffer -> {
      try {
        parser.handle(buffer);
      } catch (SseFormatException e) {
        fail(UpstreamErrors.malformed());
      }
    });
    // Vert.x reports a closed connection at once, ahead of reads it still holds for the response
    // (paused for the hand-over): they are parsed first, so that text OpenAI sent before the cut
    // reaches the caller, followed by the error marker, instead of being dropped.
    response.exceptionHandler(failure -> shared.vertx().runOnContext(v -> {
      if (attempt == attempts) {
        broken(failure);
      }
    }));
    response.endHandler(v -> {
      if (attempt == attempts) {
        upstreamEnded();
      }
    });
    response.resume();
  }

  /** OpenAI answered with an error status: retried if it is worth it, else the caller's answer. */
  private void refused(UpstreamCall.Answer answer) {
    StreamError error = UpstreamErrors.forStatus(answer.status(), answer.headers(), answer.body());
    if (UpstreamErrors.isRetryableStatus(answer.status(), answer.body())) {
      attemptFailed(error, UpstreamErrors.retryAfterMillis(answer.headers()), null);
    } else {
      fail(error);
    }
  }

  /** A missing type is left to the parser to judge; OpenAI-compatible servers do not all send one. */
  private static boolean isEventStream(String contentType) {
    return contentType == null || contentType.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  private void onData(String data) {
    if (state != State.STREAMING) {
      return;
    }
    eventSeen = true;
    if (ChatChunk.isDone(data)) {
      doneSeen = true;
      lastUpstreamNanos = System.nanoTime();
      return;
    }
    if (data.isEmpty()) {
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
    if (chunk.hasContent() || chunk.finishReason() != null || chunk.usage() != null) {
      lastUpstreamNanos = System.nanoTime();
    }
    if (chunk.hasContent()) {
      if (seq == 0) {
        shared.metrics().firstTokenFromUpstream(System.nanoTime() - startedNanos);
        span.firstToken(System.nanoTime() - startedNanos);
      }
      span.text(chunk.content());
      gate.offer(new Frame.Chunk(id(), ++seq, chunk.content()));
      if (gate.holding() && !paused) {
        paused = true;
        response.pause();
      }
    }
    if (chunk.finishReason() != null) {
      finishReason = chunk.finishReason();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
  }

  private void upstreamEnded() {
    if (state != State.STREAMING) {
      return;
    }
    if (doneSeen || finishReason != null) {
      shared.metrics().usage(usage);
      span.completed(finishReason == null ? "stop" : finishReason, usage);
      finish(new Frame.End(id(), finishReason == null ? "stop" : finishReason, usage));
    } else if (!eventSeen) {
      fail(UpstreamErrors.notEventStream());
    } else {
      broken(null);
    }
  }

  /** The connection broke, or the stream ended without its end. */
  private void broken(Throwable failure) {
    if (state != State.STREAMING) {
      return;
    }
    if (seq == 0) {
      attemptFailed(UpstreamErrors.cut(false), null, failure);
    } else {
      fail(UpstreamErrors.cut(true));
    }
  }

  /** An attempt failed: tried again after a backoff if no text was sent and the budget allows. */
  private void attemptFailed(StreamError error, Long retryAfterMs, Throwable cause) {
    RetryPolicy retry = shared.retry();
    long backoff = retry.backoffMs(attempts, retryAfterMs);
    LOG.warn("OpenAI call failed for stream {} (request {}): {}{}, attempt {} of {}", id(), open.requestId(),
        error.kind(), cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")", attempts,
        retry.maxAttempts());
    if (seq > 0 || !retry.allows(attempts, waitedMs, backoff)) {
      fail(error);
      return;
    }
    shared.metrics().retry();
    shared.metrics().upstreamFailure(error.kind());
    // The state moves first: resetting the attempt reports its own failure, which must not retry twice.
    to(State.BACKING_OFF);
    resetUpstream();
    response = null;
    waitedMs += backoff;
    shared.vertx().setTimer(Math.max(1, backoff), id -> {
      if (state == State.BACKING_OFF) {
        call();
      }
    });
  }

  /** The stream failed on this side: stop OpenAI and tell the caller after what it already has. */
  private void fail(StreamError error) {
    if (state == State.FLUSHING || state == State.CLOSED) {
      return;
    }
    shared.metrics().upstreamFailure(error.kind());
    if (seq == 0) {
      gate.clear();
    }
    LOG.info("Stream {} (request {}) failed: {} {}", id(), open.requestId(), error.status(), error.kind());
    span.failed(error.kind());
    finish(new Frame.Failed(id(), error));
    resetUpstream();
  }

  /** The last frame: out now, or after the chunks held for credit. */
  private void finish(Frame last) {
    to(State.FLUSHING);
    gate.offerLast(last);
    // An undeliverable frame may have cancelled the stream meanwhile.
    if (gate.lastSent() && state == State.FLUSHING) {
      close();
    }
  }

  private void credited(long credits) {
    gate.grant(credits);
    if (gate.lastSent() && state == State.FLUSHING) {
      close();
    } else if (paused && !gate.holding() && state == State.STREAMING) {
      paused = false;
      // Time spent paused for want of credit is not OpenAI's silence.
      lastUpstreamNanos = System.nanoTime();
      response.resume();
    }
  }

  // ------------------------------------------------------------------ the one transition

  private void to(State next) {
    if (!state.mayBecome(next)) {
      throw new IllegalStateException("Stream " + id() + " cannot go from " + state + " to " + next);
    }
    state = next;
  }

  private void close() {
    to(State.CLOSED);
    span.end(attempts);
    onClosed.run();
  }

  private void resetUpstream() {
    if (request != null) {
      request.reset();
    }
  }

  /** A frame the bus cannot deliver means the HTTP side is gone: nobody reads this stream any more. */
  private void send(Frame frame) {
    peer.send(frame).onFailure(undeliverable -> cancel());
  }

  private static long nanos(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
