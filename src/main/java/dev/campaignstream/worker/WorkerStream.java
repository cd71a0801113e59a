package dev.campaignstream.worker;

import dev.campaignstream.config.OpenAiSettings;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenStream;
import dev.campaignstream.protocol.Peer;
import dev.campaignstream.protocol.StreamError;
import dev.campaignstream.trace.ChatSpan;
import dev.campaignstream.upstream.Refusal;
import dev.campaignstream.upstream.UpstreamMetrics;
import dev.campaignstream.upstream.Upstreams;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of one campaign stream: OpenAI's events parsed as they arrive and each piece of
 * text sent to the HTTP side as a chunk, within the credit it granted ({@link CreditGate}); out of
 * credit, the upstream response is paused, so TCP backpressure reaches OpenAI.
 *
 * <p>Each attempt goes to an upstream the {@link UpstreamRouter} picks; when none can take it, the
 * stream waits for one in the instance's {@link WaitQueue}, for a bounded time. A failed attempt
 * (429, 5xx, no connection, no first token in time) moves at once to another upstream that has not
 * been tried, while no text has been sent and the attempts allow; with none, a retryable failure is
 * tried again after a backoff ({@link RetryPolicy}). After the first text there is no failover.
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
    /** No upstream can take it now: it waits for one, for a bounded time. */
    WAITING,
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
        case NEW -> next == WAITING || next == CALLING || next == FLUSHING || next == CLOSED;
        case WAITING -> next == CALLING || next == FLUSHING || next == CLOSED;
        // CALLING again: a failover to another upstream.
        case CALLING -> next != NEW && next != WAITING;
        case BACKING_OFF -> next == WAITING || next == CALLING || next == FLUSHING || next == CLOSED;
        case STREAMING -> next == CALLING || next == BACKING_OFF || next == FLUSHING || next == CLOSED;
        case FLUSHING -> next == CLOSED;
        case CLOSED -> false;
      };
    }
  }

  /** What all streams of one worker instance share. */
  record Shared(Vertx vertx, UpstreamRouter router, WaitQueue<WorkerStream> queue, Upstreams upstreams,
      RetryPolicy retry, OpenAiSettings settings, ServiceMetrics metrics, UpstreamMetrics upstreamMetrics,
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
  /** The upstream of the current attempt, whose place the stream holds while {@link #holding}. */
  private Upstream upstream;
  private boolean holding;
  private final Set<String> tried = new HashSet<>();
  private long attemptStartedNanos = startedNanos;
  /** Why it waits: the reason it entered the wait with (counted by it), and the latest. */
  private Refusal waitEntered;
  private Refusal waitingFor;
  private long waitStartedNanos;
  private long waitDeadlineNanos;
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

  /** The first attempt: at once on an upstream that can take it, else a wait for one. */
  void start() {
    route();
  }

  private void route() {
    if (!shared.router().serves(open.model())) {
      fail(UpstreamErrors.noUpstreamFor(open.model()));
      return;
    }
    UpstreamRouter.Choice choice = shared.router().choose(open.model(), Set.of());
    if (choice.upstream() != null) {
      attempt(choice.upstream());
    } else {
      await(choice.refusal());
    }
  }

  /**
   * No upstream can take the stream now: it waits, unless waiting is off or the wait is full. Not
   * behind open circuits only: failing fast is what a circuit is for, and it stays open longer
   * than a caller should wait.
   */
  private void await(Refusal refusal) {
    long maxWaitMs = switch (refusal.reason()) {
      case NO_CONNECTION -> shared.settings().queue().poolWaitMs();
      case CIRCUIT_OPEN -> 0;
      default -> shared.settings().queue().maxWaitMs();
    };
    if (maxWaitMs <= 0 || !shared.upstreams().enterWait(refusal)) {
      shared.upstreamMetrics().refused(maxWaitMs <= 0 ? refusal.reason().label() : "queue_full");
      fail(UpstreamErrors.noUpstream(refusal));
      return;
    }
    to(State.WAITING);
    waitEntered = refusal;
    waitingFor = refusal;
    waitStartedNanos = System.nanoTime();
    waitDeadlineNanos = waitStartedNanos + nanos(maxWaitMs);
    shared.queue().add(open.keyName(), this);
  }

  /** The wait's turn came: true when an upstream took the stream, which then leaves the wait. */
  boolean tryLeaveWait() {
    if (state != State.WAITING) {
      return true;
    }
    UpstreamRouter.Choice choice = shared.router().choose(open.model(), Set.of());
    if (choice.upstream() == null) {
      waitingFor = choice.refusal();
      return false;
    }
    leftWait("served");
    attempt(choice.upstream());
    return true;
  }

  private void leftWait(String outcome) {
    shared.upstreams().leaveWait(waitEntered);
    shared.upstreamMetrics().waited(outcome, System.nanoTime() - waitStartedNanos);
  }

  /** Out of the wait by a timeout, a cancel or a stop, not by its turn. */
  private void leaveWaitEarly(String outcome) {
    if (state == State.WAITING) {
      shared.queue().remove(open.keyName(), this);
      leftWait(outcome);
    }
  }

  /** One attempt on {@code chosen}, whose place the router took for it. */
  private void attempt(Upstream chosen) {
    to(State.CALLING);
    upstream = chosen;
    holding = true;
    tried.add(chosen.name());
    int attempt = ++attempts;
    attemptStartedNanos = System.nanoTime();
    eventSeen = false;
    doneSeen = false;
    finishReason = null;
    usage = null;
    shared.upstreamMetrics().call(chosen.name());
    span.upstream(chosen.name(), chosen.host(), chosen.port());
    span.around(() -> chosen.call().attempt(open, created -> request = created,
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
            attemptFailed(UpstreamErrors.circuitOpen(shared.settings().circuit().resetTimeoutMs()), null, null, false);
          } else if (failure instanceof UpstreamCall.Overloaded overloaded) {
            shared.metrics().upstreamStatus(overloaded.answer.status());
            refused(overloaded.answer);
          } else {
            attemptFailed(UpstreamErrors.connectionFailed(), null, failure, true);
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
    leaveWaitEarly("left");
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
    leaveWaitEarly("left");
    // Closed first: a frame the bus cannot deliver (the HTTP side stopping too) cancels the stream.
    close();
    send(new Frame.Failed(id(), error, upstreamName()));
    resetUpstream();
  }

  /** Timeouts, checked by the worker's periodic sweep. */
  void check(long now) {
    OpenAiSettings settings = shared.settings();
    if (state == State.FLUSHING || state == State.CLOSED) {
      return;
    }
    if (state == State.WAITING) {
      if (now > waitDeadlineNanos) {
        leaveWaitEarly("timed_out");
        shared.upstreamMetrics().refused(waitingFor.reason().label());
        fail(UpstreamErrors.noUpstream(waitingFor));
      }
      return;
    }
    boolean attemptLive = state == State.CALLING || state == State.STREAMING;
    if (seq == 0 && attemptLive && now - attemptStartedNanos > nanos(settings.firstTokenTimeoutMs())) {
      // Another upstream may answer where this one stays silent; alone, it is the caller's 504.
      attemptFailed(UpstreamErrors.firstTokenTimeout(settings.firstTokenTimeoutMs()), null, null, false);
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
    upstream.share().limits().observe(answer.headers());
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

  /**
   * The upstream answered with an error status. An overloaded answer (408, 429, 5xx) moves to
   * another upstream, or is retried if it is worth it; any other is the caller's answer.
   */
  private void refused(UpstreamCall.Answer answer) {
    StreamError error = UpstreamErrors.forStatus(answer.status(), answer.headers(), answer.body(),
        upstream.settings());
    Long retryAfterMs = UpstreamErrors.retryAfterMillis(answer.headers());
    if (answer.status() == 429) {
      upstream.share().limits().refused(answer.headers(), retryAfterMs);
    } else {
      upstream.share().limits().observe(answer.headers());
    }
    if (UpstreamErrors.isOutage(answer.status())) {
      attemptFailed(error, retryAfterMs, null, UpstreamErrors.isRetryableStatus(answer.status(), answer.body()));
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
        shared.upstreamMetrics().firstToken(upstream.name(), System.nanoTime() - attemptStartedNanos);
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
      shared.upstreamMetrics().usage(upstream.name(), usage);
      span.completed(finishReason == null ? "stop" : finishReason, usage);
      release();
      finish(new Frame.End(id(), finishReason == null ? "stop" : finishReason, usage, upstream.name()));
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
      attemptFailed(UpstreamErrors.cut(false), null, failure, true);
    } else {
      fail(UpstreamErrors.cut(true));
    }
  }

  /**
   * An attempt failed before any text: another upstream at once if one can take it, else the same
   * again after a backoff if {@code retrySame} and the budget allow, else the caller's answer.
   */
  private void attemptFailed(StreamError error, Long retryAfterMs, Throwable cause, boolean retrySame) {
    RetryPolicy retry = shared.retry();
    String failed = upstream.name();
    LOG.warn("Upstream {} failed for stream {} (request {}): {}{}, attempt {} of {}", failed, id(), open.requestId(),
        error.kind(), cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")", attempts,
        retry.maxAttempts());
    shared.upstreamMetrics().failed(failed, error.kind());
    release();
    if (seq > 0 || attempts >= retry.maxAttempts()) {
      fail(error);
      return;
    }
    // The state moves first: resetting the attempt reports its own failure, which must not retry twice.
    UpstreamRouter.Choice next = shared.router().hasUntried(open.model(), tried)
        ? shared.router().choose(open.model(), tried) : null;
    if (next != null && next.upstream() != null) {
      shared.metrics().retry();
      shared.metrics().upstreamFailure(error.kind());
      shared.upstreamMetrics().failover(failed, error.kind());
      resetUpstream();
      response = null;
      attempt(next.upstream());
      return;
    }
    long backoff = retry.backoffMs(attempts, retryAfterMs);
    if (!retrySame || !retry.allows(attempts, waitedMs, backoff)) {
      fail(error);
      return;
    }
    shared.metrics().retry();
    shared.metrics().upstreamFailure(error.kind());
    to(State.BACKING_OFF);
    resetUpstream();
    response = null;
    waitedMs += backoff;
    shared.vertx().setTimer(Math.max(1, backoff), id -> {
      if (state == State.BACKING_OFF) {
        tried.clear();
        route();
      }
    });
  }

  /** The stream failed on this side: stop OpenAI and tell the caller after what it already has. */
  private void fail(StreamError error) {
    if (state == State.FLUSHING || state == State.CLOSED) {
      return;
    }
    shared.metrics().upstreamFailure(error.kind());
    if (holding) {
      // The upstream's own failure (a stream it broke, a text it sent wrong): an attempt's was counted already.
      shared.upstreamMetrics().failed(upstream.name(), error.kind());
      release();
    }
    if (seq == 0) {
      gate.clear();
    }
    LOG.info("Stream {} (request {}) failed: {} {}", id(), open.requestId(), error.status(), error.kind());
    span.failed(error.kind());
    finish(new Frame.Failed(id(), error, upstreamName()));
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
    release();
    span.end(attempts);
    onClosed.run();
  }

  /** Gives back the upstream's place: its connection is done with this stream. */
  private void release() {
    if (holding) {
      holding = false;
      upstream.share().release();
    }
  }

  private String upstreamName() {
    return upstream == null ? null : upstream.name();
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
