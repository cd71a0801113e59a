package dev.campaignstream.bench;

import java.util.Map;
import java.util.TreeMap;

/** What one event loop's callers saw. Confined to that event loop until the run is over. */
final class Stats {

  final Histogram ttfbMicros = new Histogram();
  /** To the first text: the first byte through the service, the first non-empty content straight from OpenAI. */
  final Histogram firstTextMicros = new Histogram();
  final Histogram totalMicros = new Histogram();
  final Histogram maxGapMicros = new Histogram();
  final Histogram gapMicros = new Histogram();
  final Histogram bytesPerStream = new Histogram();
  final Map<String, Long> errors = new TreeMap<>();
  /** Error responses by their problem body's detail, which tells a service's 503s apart. */
  final Map<String, Long> errorDetails = new TreeMap<>();
  /** Responses by their X-Campaign-Cache header (hit, miss, shared), whatever their status. */
  final Map<String, Long> cacheResults = new TreeMap<>();
  long started;
  long completed;
  long completedInWindow;
  long bytesInWindow;
  long bytesTotal;
  long unfinishedAtEnd;
  long firstStartNanos = Long.MAX_VALUE;
  long lastEndNanos;

  void error(String kind) {
    errors.merge(kind, 1L, Long::sum);
  }

  /** An error response, by its status and what its body says; its kind is counted by {@link #error}. */
  void errorResponse(String detail) {
    errorDetails.merge(detail, 1L, Long::sum);
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  void merge(Stats o) {
    ttfbMicros.merge(o.ttfbMicros);
    firstTextMicros.merge(o.firstTextMicros);
    totalMicros.merge(o.totalMicros);
    maxGapMicros.merge(o.maxGapMicros);
    gapMicros.merge(o.gapMicros);
    bytesPerStream.merge(o.bytesPerStream);
    addCounts(o.errors, errors);
    addCounts(o.errorDetails, errorDetails);
    addCounts(o.cacheResults, cacheResults);
    started += o.started;
    completed += o.completed;
    completedInWindow += o.completedInWindow;
    bytesInWindow += o.bytesInWindow;
    bytesTotal += o.bytesTotal;
    unfinishedAtEnd += o.unfinishedAtEnd;
    firstStartNanos = Math.min(firstStartNanos, o.firstStartNanos);
    lastEndNanos = Math.max(lastEndNanos, o.lastEndNanos);
  }

  private static void addCounts(Map<String, Long> from, Map<String, Long> into) {
    from.forEach((k, v) -> into.merge(k, v, Long::sum));
  }
}
