package dev.campaignstream.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The virtual callers of one event loop, with their own HTTP client (pool size = their number),
 * so that no connection is shared between event loops and no caller waits for a connection.
 * Each caller is a closed loop: request, read the stream to its end, measure, repeat.
 */
final class CallerVerticle extends VerticleBase {

  private static final long SLOW_TICK_MS = 100;
  /** The service's answer to "where did this campaign come from" (see the service's CacheResult). */
  static final String CACHE_HEADER = "X-Campaign-Cache";

  private final Plan plan;
  private final int firstCaller;
  private final int callers;
  final Stats stats = new Stats();
  private final Set<Exchange> active = new LinkedHashSet<>();
  private final Promise<Void> idle = Promise.promise();
  private HttpClient client;
  private RequestOptions options;
  private int callersDone;

  CallerVerticle(Plan plan, int firstCaller, int callers) {
    this.plan = plan;
    this.firstCaller = firstCaller;
    this.callers = callers;
  }

  /** Completes when every caller of this event loop has stopped and nothing is in flight. */
  Future<Void> idle() {
    return idle.future();
  }

  @Override
  public Future<?> start() {
    HttpClientOptions clientOptions = new HttpClientOptions()
        .setKeepAlive(true)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout(10_000)
        .setDecompressionSupported(false);
    if (plan.slow()) {
      // Hand the reader pieces no larger than about one second's worth, so that the byte budget holds.
      clientOptions.setMaxChunkSize((int) Math.max(16, Math.min(8192, plan.slowBytesPerSecond)));
    }
    if (plan.receiveBufferBytes > 0) {
      // A fixed, small socket window (no autotuning): a slow reader's backpressure reaches the server
      // after a few kB instead of after megabytes of kernel buffers.
      clientOptions.setReceiveBufferSize(plan.receiveBufferBytes);
    }
    client = vertx.createHttpClient(clientOptions,
        new PoolOptions().setHttp1MaxSize(Math.max(1, callers)).setMaxWaitQueueSize(-1));
    options = new RequestOptions()
        .setMethod(plan.method)
        .setHost(plan.host)
        .setPort(plan.port)
        .setURI(plan.uri)
        .setIdleTimeout(plan.idleTimeoutMs)
        .putHeader(HttpHeaders.ACCEPT, plan.accept);
    if (plan.body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.AUTHORIZATION, "Bearer bench");
    }
    if (plan.slow()) {
      vertx.setPeriodic(SLOW_TICK_MS, id -> slowTick());
    }
    long total = plan.concurrency;
    for (int i = 0; i < callers; i++) {
      long delay = plan.rampMs * (firstCaller + i) / total;
      if (delay > 0) {
        vertx.setTimer(delay, id -> next());
      } else {
        context.runOnContext(v -> next());
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** Runs on this verticle's event loop. */
  void onLoop(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Called from this event loop when the run's time is up: lets idle complete if nothing is in flight. */
  void checkIdle() {
    if (plan.noMoreRequests() && active.isEmpty() && callersDone == callers) {
      idle.tryComplete();
    }
  }

  /** Ends whatever is still in flight (the run is over). */
  void abortAll() {
    for (Exchange ex : new ArrayList<>(active)) {
      ex.abort();
    }
    idle.tryComplete();
  }

  private void next() {
    if (!plan.takeTicket()) {
      callersDone++;
      checkIdle();
      return;
    }
    new Exchange().start();
  }

  private void slowTick() {
    double grant = plan.slowBytesPerSecond * SLOW_TICK_MS / 1000.0;
    for (Exchange ex : active) {
      ex.grant(grant);
    }
  }

  /** One request and its streamed response. */
  private final class Exchange {

    private final long startNanos = System.nanoTime();
    private final boolean measured = startNanos >= plan.windowStartNanos;
    private final byte[] tail = new byte[256];
    private int tailLength;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private long timer = -1;
    private long firstByteNanos;
    private long firstTextNanos;
    private final FirstText firstText = new FirstText(plan.mode == Plan.Mode.DIRECT);
    private long lastByteNanos;
    private long maxGapNanos;
    private long bytes;
    private boolean finished;
    private double budget;
    private boolean fetching;

    void start() {
      stats.started++;
      stats.firstStartNanos = Math.min(stats.firstStartNanos, startNanos);
      active.add(this);
      if (plan.requestTimeoutMs > 0) {
        timer = vertx.setTimer(plan.requestTimeoutMs, id -> {
          timer = -1;
          fail("timeout");
        });
      }
      RequestOptions these = plan.brands > 0 ? new RequestOptions(options).setURI(plan.nextUri()) : options;
      String authorization = plan.nextAuthorization();
      if (authorization != null) {
        these = (these == options ? new RequestOptions(options) : these)
            .putHeader(HttpHeaders.AUTHORIZATION, authorization);
      }
      client.request(these).onComplete(ar -> {
        if (ar.failed()) {
          fail(connectFailure(ar.cause()));
          return;
        }
        request = ar.result();
        if (finished) {
          request.reset();
          return;
        }
        Future<HttpClientResponse> sent = plan.body == null ? request.send() : request.send(plan.body);
        sent.onComplete(r -> {
          if (r.failed()) {
            fail(streamFailure(r.cause()));
          } else {
            onResponse(r.result());
          }
        });
      });
    }

    private void onResponse(HttpClientResponse resp) {
      if (finished) {
        return;
      }
      response = resp;
      String cache = resp.getHeader(CACHE_HEADER);
      if (cache != null) {
        stats.cacheResults.merge(cache, 1L, Long::sum);
      }
      if (resp.statusCode() != 200) {
        String kind = "status_" + resp.statusCode();
        resp.body().onComplete(body -> {
          stats.errorResponse(problemDetail(resp.statusCode(), body.result()));
          fail(kind);
        });
        return;
      }
      if (plan.slow()) {
        resp.pause();
      }
      resp.handler(this::onBytes);
      resp.exceptionHandler(failure -> fail(streamFailure(failure)));
      resp.endHandler(v -> onEnd());
    }

    /** "503 <the problem's detail>", or the status alone when the body is not a problem. */
    private static String problemDetail(int status, Buffer body) {
      try {
        String detail = body == null ? null : new JsonObject(body).getString("detail");
        return detail == null ? String.valueOf(status) : status + " " + detail;
      } catch (RuntimeException notAProblem) {
        return String.valueOf(status);
      }
    }

    void grant(double amount) {
      if (response == null || finished) {
        return;
      }
      budget = Math.min(budget + amount, plan.slowBytesPerSecond); // no more than a second's worth saved up
      if (!fetching && budget > 0) {
        fetching = true;
        response.fetch(1);
      }
    }

    private void onBytes(Buffer buffer) {
      if (finished) {
        return;
      }
      long now = System.nanoTime();
      int length = buffer.length();
      if (length == 0) {
        return;
      }
      if (firstByteNanos == 0) {
        firstByteNanos = now;
      } else {
        long gap = now - lastByteNanos;
        if (gap > maxGapNanos) {
          maxGapNanos = gap;
        }
        if (measured) {
          stats.gapMicros.record(gap / 1000);
        }
      }
      if (firstText.in(buffer)) {
        firstTextNanos = now;
      }
      lastByteNanos = now;
      bytes += length;
      stats.bytesTotal += length;
      if (now >= plan.windowStartNanos && now <= plan.windowEndNanos) {
        stats.bytesInWindow += length;
      }
      keepTail(buffer, length);
      if (plan.slow()) {
        budget -= length;
        fetching = false;
        if (budget > 0) {
          fetching = true;
          response.fetch(1);
        }
      }
    }

    private void keepTail(Buffer buffer, int length) {
      if (plan.endMarker == null && plan.errorMarker == null) {
        return;
      }
      int take = Math.min(length, tail.length);
      int keep = Math.min(tailLength, tail.length - take);
      System.arraycopy(tail, tailLength - keep, tail, 0, keep);
      buffer.getBytes(length - take, length, tail, keep);
      tailLength = keep + take;
    }

    private void onEnd() {
      if (finished) {
        return;
      }
      if (plan.errorMarker != null && contains(plan.errorMarker)) {
        fail("stream_error");
        return;
      }
      if (plan.endMarker != null && !contains(plan.endMarker)) {
        fail("truncated");
        return;
      }
      if (firstByteNanos == 0) {
        fail("empty");
        return;
      }
      long now = System.nanoTime();
      stats.completed++;
      stats.lastEndNanos = Math.max(stats.lastEndNanos, now);
      if (now >= plan.windowStartNanos && now <= plan.windowEndNanos) {
        stats.completedInWindow++;
      }
      if (measured) {
        stats.ttfbMicros.record((firstByteNanos - startNanos) / 1000);
        if (firstTextNanos > 0) {
          stats.firstTextMicros.record((firstTextNanos - startNanos) / 1000);
        }
        stats.totalMicros.record((now - startNanos) / 1000);
        stats.maxGapMicros.record(maxGapNanos / 1000);
        stats.bytesPerStream.record(bytes);
      }
      done(0);
    }

    private boolean contains(byte[] marker) {
      outer:
      for (int i = 0; i + marker.length <= tailLength; i++) {
        for (int j = 0; j < marker.length; j++) {
          if (tail[i + j] != marker[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    void fail(String kind) {
      if (finished) {
        return;
      }
      stats.error(kind);
      finished = true; // before the reset, whose own failure report must not count twice
      if (request != null) {
        request.reset();
      }
      // A refused connection is retried after a pause, not in a tight loop.
      done(kind.startsWith("connect") ? 50 : 0);
    }

    /** The run is over with this stream still open: not an error when the plan says so. */
    void abort() {
      if (finished) {
        return;
      }
      if (plan.abortAtEnd) {
        stats.unfinishedAtEnd++;
      } else {
        stats.error("unfinished_at_end");
      }
      finished = true;
      cancelTimer();
      active.remove(this);
      if (request != null) {
        request.reset();
      }
    }

    private void done(long pauseMs) {
      finished = true;
      cancelTimer();
      active.remove(this);
      if (pauseMs > 0) {
        vertx.setTimer(pauseMs, id -> next());
      } else {
        next();
      }
    }

    private void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  static String connectFailure(Throwable t) {
    if (t instanceof ConnectException) {
      return "connect";
    }
    if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
      return "connect_timeout";
    }
    return "connect_" + t.getClass().getSimpleName();
  }

  static String streamFailure(Throwable t) {
    if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    if (t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof IOException) {
      return "reset";
    }
    return "other_" + t.getClass().getSimpleName();
  }

  static List<Stats> collect(List<CallerVerticle> verticles) {
    List<Stats> all = new ArrayList<>();
    verticles.forEach(v -> all.add(v.stats));
    return all;
  }
}
