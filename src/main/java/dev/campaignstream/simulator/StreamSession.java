package dev.campaignstream.simulator;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One accepted {@code /chat/completions} exchange (stream, non-stream or hang). Confined to the event loop of
 * the request, so its state needs no locking; only the shared {@link Counters} are atomic.
 */
final class StreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

  /** Content events written per turn when there is no interval, before yielding to the event loop. */
  private static final int MAX_BATCH = 64;
  /** With keep-alive comments on, one comment before every this-many content chunks. */
  private static final int KEEP_ALIVE_EVERY = 8;

  private final Vertx vertx;
  private final Context context;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Behaviour behaviour;
  private final Counters counters;
  private final JsonObject body;
  private final String requestId;
  private final long receivedAtNanos;

  private final List<String> source;
  private final boolean generated;
  private final int totalChunks;
  private final int faultAt;          // content chunks sent before the mid-stream fault, -1 if none

  private ChunkFormat format;
  private int sent;                   // content chunks written so far
  private int eventsWritten;          // drives the rotating split offset
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
    this.counters = counters;
    this.body = body;
    this.requestId = requestId;
    this.receivedAtNanos = receivedAtNanos;

    this.generated = behaviour.deltas() == null;
    this.source = generated ? CampaignWriter.deltas(ChatRequests.lastUserText(body)) : behaviour.deltas();
    this.totalChunks = behaviour.chunks() > 0 ? behaviour.chunks() : source.size();
    this.faultAt = switch (behaviour.fault()) {
      case CUT, ERROR, MALFORMED, STALL -> Math.min(behaviour.faultAfter(), totalChunks);
      default -> -1;
    };
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
    if (behaviour.fault() == Behaviour.Fault.HANG) {
      return; // stay open and silent; the client's timeout ends this
    }
    long delay = pickMillis(behaviour.firstTokenDelayMin(), behaviour.firstTokenDelayMax());
    if (delay > 0) {
      timerId = vertx.setTimer(delay, id -> {
        timerId = -1;
        begin();
      });
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

  /** Settles the counters before the final bytes are written, so whoever sees them sees exact counts. */
  private boolean settle(boolean completedNormally) {
    if (finished) {
      return false;
    }
    finished = true;
    cancelTimer();
    counters.active.decrementAndGet();
    (completedNormally ? counters.completed : counters.faulted).incrementAndGet();
    return true;
  }

  private void cancelTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  // ---------------------------------------------------------------- response

  private void begin() {
    if (finished) {
      return;
    }
    if (!ChatRequests.isStream(body)) {
      respondNonStream();
      return;
    }
    String model = body.getString("model");
    format = new ChunkFormat("chatcmpl-" + randomId(29), System.currentTimeMillis() / 1000, model,
      ChatRequests.includeUsage(body), behaviour.lineEnding());
    response.setStatusCode(200)
      .setChunked(true)
      .putHeader("content-type", "text/event-stream; charset=utf-8")
      .putHeader("cache-control", "no-cache");
    openAiHeaders(response, requestId, receivedAtNanos);
    writeEvent(format.role());
    pump();
  }

  /** Writes content until done, a fault, a timer, a full write queue or the end of a batch. */
  private void pump() {
    int batch = 0;
    while (!finished) {
      if (response.writeQueueFull()) {
        // The client (or TCP) is not draining: wait rather than buffer without bound.
        waitingForDrain = true;
        counters.paused.incrementAndGet();
        return;
      }
      if (sent == faultAt) {
        fault();
        return;
      }
      if (sent == totalChunks) {
        writeTail();
        return;
      }
      if (batch == MAX_BATCH) {
        context.runOnContext(v -> pump()); // let the event loop serve other connections
        return;
      }
      if (behaviour.keepAliveComments() && sent % KEEP_ALIVE_EVERY == 0) {
        writeEvent(format.keepAlive());
      }
      writeEvent(format.content(delta(sent)));
      sent++;
      batch++;
      long interval = pickMillis(behaviour.chunkIntervalMin(), behaviour.chunkIntervalMax());
      if (interval > 0) {
        timerId = vertx.setTimer(interval, id -> {
          timerId = -1;
          pump();
        });
        return;
      }
    }
  }

  private void writeTail() {
    if (!settle(true)) {
      return;
    }
    writeEvent(format.finish(behaviour.finishReason()));
    if (ChatRequests.includeUsage(body)) {
      writeEvent(format.usage(ChatRequests.promptTokens(body), totalChunks));
    }
    writeEvent(format.done());
    response.end();
  }

  private void fault() {
    switch (behaviour.fault()) {
      case CUT -> {
        if (settle(false)) {
          LOG.debug("{}: cutting the connection after {} chunks", requestId, sent);
          request.connection().close();
        }
      }
      case ERROR -> {
        if (settle(false)) {
          writeEvent(format.error(wrapError(behaviour.streamError())));
          response.end();
        }
      }
      case MALFORMED -> {
        if (settle(false)) {
          writeEvent(format.malformed());
          response.end();
        }
      }
      case STALL -> LOG.debug("{}: stalling after {} chunks", requestId, sent); // stays active until the client leaves
      default -> throw new IllegalStateException("not a mid-stream fault: " + behaviour.fault());
    }
  }

  private void respondNonStream() {
    switch (behaviour.fault()) {
      case CUT -> {
        if (settle(false)) {
          request.connection().close();
        }
        return;
      }
      case ERROR -> {
        if (settle(false)) {
          response.setStatusCode(500).putHeader("content-type", "application/json; charset=utf-8");
          openAiHeaders(response, requestId, receivedAtNanos);
          response.end(wrapError(behaviour.streamError()).encode());
        }
        return;
      }
      case MALFORMED -> {
        if (settle(false)) {
          response.setStatusCode(200).putHeader("content-type", "application/json; charset=utf-8");
          openAiHeaders(response, requestId, receivedAtNanos);
          response.end("{not json");
        }
        return;
      }
      case STALL -> {
        return;
      }
      default -> {
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < totalChunks; i++) {
      text.append(delta(i));
    }
    int prompt = ChatRequests.promptTokens(body);
    JsonObject completion = new JsonObject()
      .put("id", "chatcmpl-" + randomId(29))
      .put("object", "chat.completion")
      .put("created", System.currentTimeMillis() / 1000)
      .put("model", body.getString("model"))
      .put("choices", new JsonArray().add(new JsonObject()
        .put("index", 0)
        .put("message", new JsonObject()
          .put("role", "assistant")
          .put("content", text.toString())
          .putNull("refusal")
          .put("annotations", new JsonArray()))
        .putNull("logprobs")
        .put("finish_reason", behaviour.finishReason())))
      .put("usage", new JsonObject()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", totalChunks)
        .put("total_tokens", prompt + totalChunks))
      .put("service_tier", "default")
      .put("system_fingerprint", ChunkFormat.FINGERPRINT);
    if (settle(true)) {
      response.setStatusCode(200).putHeader("content-type", "application/json; charset=utf-8");
      openAiHeaders(response, requestId, receivedAtNanos);
      response.end(completion.encode());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Content of chunk i; past the source's end the source repeats (generated text gets a paragraph break). */
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

  private void writeEvent(String event) {
    eventsWritten++;
    if (!behaviour.splitWrites()) {
      response.write(event);
      return;
    }
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    Buffer all = Buffer.buffer(bytes);
    int from = 0;
    for (int cut : awkwardOffsets(bytes, behaviour.lineEnding().length(), eventsWritten)) {
      response.write(all.getBuffer(from, cut));
      from = cut;
    }
    response.write(all.getBuffer(from, bytes.length));
  }

  /**
   * Offsets that break naive SSE parsers: inside "data:", inside the first and last multi-byte UTF-8
   * characters, between every CR and LF, between the two line endings, and one that moves with each event.
   */
  static TreeSet<Integer> awkwardOffsets(byte[] b, int lineEndingLength, int salt) {
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(3);
    int firstLead = -1;
    int lastLead = -1;
    for (int i = 0; i < b.length; i++) {
      if ((b[i] & 0xC0) == 0xC0) {
        if (firstLead < 0) {
          firstLead = i;
        }
        lastLead = i;
      } else if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
        cuts.add(i + 1);
      }
    }
    if (firstLead >= 0) {
      cuts.add(firstLead + 1);
      cuts.add(lastLead + 1);
      if ((b[lastLead] & 0xF0) == 0xF0) {
        cuts.add(lastLead + 2); // middle of a 4-byte sequence (emoji)
      }
    }
    cuts.add(b.length - lineEndingLength);
    cuts.add(1 + Math.floorMod(salt * 7919, Math.max(1, b.length - 1)));
    cuts.removeIf(c -> c <= 0 || c >= b.length);
    return cuts;
  }

  /** Accepts either a whole {@code {"error":{…}}} body or just the inner error object. */
  private static JsonObject wrapError(JsonObject error) {
    return error.containsKey("error") ? error : new JsonObject().put("error", error);
  }

  static void openAiHeaders(HttpServerResponse response, String requestId, long receivedAtNanos) {
    response.putHeader("x-request-id", requestId)
      .putHeader("openai-processing-ms", Long.toString((System.nanoTime() - receivedAtNanos) / 1_000_000))
      .putHeader("openai-version", "2020-10-01")
      .putHeader("x-ratelimit-limit-requests", "10000")
      .putHeader("x-ratelimit-remaining-requests", "9999");
  }

  static String randomId(int length) {
    final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static long pickMillis(Duration min, Duration max) {
    long lo = min.toMillis();
    long hi = max.toMillis();
    return lo == hi ? lo : ThreadLocalRandom.current().nextLong(lo, hi + 1);
  }
}
