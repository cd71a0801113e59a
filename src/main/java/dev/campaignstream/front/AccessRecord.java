package dev.campaignstream.front;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access-log line per request, written when the response ends or the connection closes:
 * request id, method, path (never the query, which holds the brand), status, representation,
 * duration, time to first chunk, chunks, outcome, the kind of error the caller got, the worker,
 * and how the cache answered.
 */
final class AccessRecord {

  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  static final String KEY = "access";

  final long startedNanos = System.nanoTime();
  String representation = "-";
  String worker = "-";
  String cache = "-";
  String outcome;
  /** The {@link dev.campaignstream.protocol.StreamError#kind()} a caller was answered with, if any. */
  String error = "-";
  long firstChunkNanos;
  long chunks;

  static void start(RoutingContext rc, String requestId) {
    AccessRecord record = new AccessRecord();
    rc.put(KEY, record);
    rc.addEndHandler(ended -> record.log(rc, requestId, ended.succeeded()));
  }

  static AccessRecord of(RoutingContext rc) {
    return rc.get(KEY);
  }

  void chunks(long now, int pieces) {
    if (chunks == 0) {
      firstChunkNanos = now;
    }
    chunks += pieces;
  }

  private void log(RoutingContext rc, String requestId, boolean responseEnded) {
    long now = System.nanoTime();
    int status = rc.response().getStatusCode();
    String result = outcome != null ? outcome : responseEnded ? (status < 400 ? "completed" : "rejected") : "cancelled";
    ACCESS.atInfo()
        .addKeyValue("request_id", requestId)
        .addKeyValue("method", rc.request().method().name())
        .addKeyValue("path", rc.request().path())
        .addKeyValue("status", status)
        .addKeyValue("representation", representation)
        .addKeyValue("duration_ms", millis(now - startedNanos))
        .addKeyValue("first_chunk_ms", chunks == 0 ? -1 : millis(firstChunkNanos - startedNanos))
        .addKeyValue("chunks", chunks)
        .addKeyValue("outcome", result)
        .addKeyValue("error", error)
        .addKeyValue("worker", worker)
        .addKeyValue("cache", cache)
        .log("{} {} {}", rc.request().method().name(), rc.request().path(), status);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
