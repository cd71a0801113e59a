package dev.campaignstream.front;

import dev.campaignstream.trace.CallerSpan;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access-log line per request, written when the response ends or the connection closes:
 * request id, method, path (never the query, which holds the brand), status, representation,
 * duration, time to first chunk, chunks, outcome, the kind of error the caller got, the worker, the upstream,
 * how the cache answered, and the name of the caller's key (never the key).
 */
final class AccessRecord {

  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  static final String KEY = "access";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  final long startedNanos = System.nanoTime();
  String representation = "-";
  String worker = "-";
  /** The configured name of the upstream that wrote the campaign (the last tried, for an error). */
  String upstream = "-";
  /** The HTTP node that writes the caller's stream (this one, or the one it follows); {@code -} for a cache hit. */
  String owner = "-";
  /** This node. */
  String node = "-";
  String cache = "-";
  /** The name of the caller's key in the keys file, valid or disabled; {@code -} without one. */
  String key = "-";
  String outcome;
  /** The {@link dev.campaignstream.protocol.StreamError#kind()} a caller was answered with, if any. */
  String error = "-";
  int errorStatus;
  /** The request's server span, when traced: told the same as the log line, before the response ends. */
  CallerSpan span = CallerSpan.NONE;
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

  /** The caller's stream ended with {@code outcome} (the response has not ended yet). */
  void ended(String outcome) {
    span.ended(outcome, named(cache), named(error), errorStatus,
        chunks == 0 ? -1 : millis(firstChunkNanos - startedNanos), chunks, named(worker));
  }

  private static String named(String value) {
    return "-".equals(value) ? null : value;
  }

  private void log(RoutingContext rc, String requestId, boolean responseEnded) {
    long now = System.nanoTime();
    int status = rc.response().getStatusCode();
    String path = asSent(rc.request().path());
    String result = outcome != null ? outcome : responseEnded ? (status < 400 ? "completed" : "rejected") : "cancelled";
    ACCESS.atInfo()
        .addKeyValue("request_id", requestId)
        .addKeyValue("method", rc.request().method().name())
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("representation", representation)
        .addKeyValue("duration_ms", millis(now - startedNanos))
        .addKeyValue("first_chunk_ms", chunks == 0 ? -1 : millis(firstChunkNanos - startedNanos))
        .addKeyValue("chunks", chunks)
        .addKeyValue("outcome", result)
        .addKeyValue("error", error)
        .addKeyValue("worker", worker)
        .addKeyValue("upstream", upstream)
        .addKeyValue("owner", owner)
        .addKeyValue("node", node)
        .addKeyValue("cache", cache)
        .addKeyValue("key", key)
        .log("{} {} {}", rc.request().method().name(), path, status);
  }

  /**
   * The path as the bytes it came in: a raw byte outside printable ASCII (a control character,
   * ESC, or one byte of an unencoded UTF-8 sequence, which the request line carries one char per
   * byte) is written as its {@code %XX}, so that a line shows what was sent, not what a terminal
   * makes of it.
   */
  static String asSent(String path) {
    StringBuilder out = null;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean printable = c > 0x20 && c < 0x7F;
      if (!printable && out == null) {
        out = new StringBuilder(path.length() + 16).append(path, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (printable) {
        out.append(c);
      } else {
        for (byte b : (c <= 0xFF ? new byte[] {(byte) c} : String.valueOf(c).getBytes(StandardCharsets.UTF_8))) {
          out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
      }
    }
    return out == null ? path : out.toString();
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
