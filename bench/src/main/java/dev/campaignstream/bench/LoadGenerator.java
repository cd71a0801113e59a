package dev.campaignstream.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.FileWriter;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code load}: holds N concurrent streaming requests against one target and measures each:
 * time to first body byte, gaps between body reads, total time, bytes, status and errors by kind.
 * Prints one JSON line on stdout (also appended to {@code --out}) and a human summary on stderr.
 */
final class LoadGenerator {

  static final Set<String> OPTIONS = Set.of("mode", "url", "accept", "keys", "key-prefix", "prompt", "model", "concurrency", "requests",
      "duration", "warmup", "ramp-ms", "drain", "abort-at-end", "slow-bytes-per-second", "idle-timeout-ms",
      "request-timeout-ms", "receive-buffer-bytes", "event-loops", "brands", "label", "out", "fail-on-error", "min-completed", "quiet",
      "service-metrics");
  static final Set<String> FLAGS = Set.of("abort-at-end", "fail-on-error", "quiet");

  private LoadGenerator() {
  }

  static int run(Args args) throws Exception {
    args.requireOnly(OPTIONS);
    Plan plan = new Plan(args);
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuAtStart = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    String label = args.text("label", plan.mode.name().toLowerCase() + "-c" + plan.concurrency);
    String metricsUrl = args.text("service-metrics", null);
    HttpClient metricsClient = metricsUrl == null ? null : ServiceFirstToken.primedClient(metricsUrl);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(plan.eventLoops).setWorkerPoolSize(1)
            .setBlockedThreadCheckInterval(10_000))
        .build();
    try {
      List<CallerVerticle> verticles = new ArrayList<>();
      ServiceFirstToken atWindowStart = null;
      ServiceFirstToken atWindowEnd = null;
      if (metricsUrl != null && plan.requests > 0) {
        // Fixed total: the window is the whole run, so read the service's figures before the first request.
        atWindowStart = ServiceFirstToken.scrape(metricsClient, metricsUrl);
      }
      int share = plan.concurrency / plan.eventLoops;
      int extra = plan.concurrency % plan.eventLoops;
      int first = 0;
      long now = System.nanoTime();
      plan.startNanos = now;
      plan.windowStartNanos = plan.requests > 0 ? now : now + TimeUnit.MILLISECONDS.toNanos(plan.warmupMs);
      if (plan.requests == 0) {
        plan.windowEndNanos = now + TimeUnit.MILLISECONDS.toNanos(plan.durationMs);
      }
      List<Future<?>> deployed = new ArrayList<>();
      for (int i = 0; i < plan.eventLoops; i++) {
        int n = share + (i < extra ? 1 : 0);
        if (n == 0) {
          continue;
        }
        CallerVerticle v = new CallerVerticle(plan, first, n);
        first += n;
        verticles.add(v);
        deployed.add(vertx.deployVerticle(v));
      }
      await(Future.all(deployed), 30_000);

      // Timed run: stop issuing at the end, let streams in flight finish (or abort them), then report.
      if (plan.requests == 0) {
        if (metricsUrl != null) {
          sleepUntil(plan.windowStartNanos);
          atWindowStart = ServiceFirstToken.scrape(metricsClient, metricsUrl);
        }
        sleepUntil(plan.windowEndNanos);
        if (metricsUrl != null) {
          atWindowEnd = ServiceFirstToken.scrape(metricsClient, metricsUrl);
        }
        plan.stopIssuing = true;
        verticles.forEach(v -> v.onLoop(v::checkIdle));
      }
      Future<?> allIdle = Future.all(verticles.stream().map(CallerVerticle::idle).toList());
      long waitMs;
      if (plan.requests > 0) {
        // Fixed total: as long as the streams need, bounded by the per-request timeouts and a hard cap.
        waitMs = Math.max(60_000, plan.requestTimeoutMs > 0 ? plan.requestTimeoutMs * 3 : 600_000)
            + plan.rampMs;
      } else {
        waitMs = plan.abortAtEnd ? 0 : plan.drainMs;
      }
      if (!awaitQuietly(allIdle, waitMs)) {
        List<Future<?>> aborted = new ArrayList<>();
        for (CallerVerticle v : verticles) {
          Promise<Void> p = Promise.promise();
          v.onLoop(() -> {
            v.abortAll();
            p.complete();
          });
          aborted.add(p.future());
        }
        await(Future.all(aborted), 10_000);
      }
      // Read each event loop's figures on that loop, then merge.
      List<Future<?>> collected = new ArrayList<>();
      for (CallerVerticle v : verticles) {
        Promise<Void> p = Promise.promise();
        v.onLoop(p::complete);
        collected.add(p.future());
      }
      await(Future.all(collected), 10_000);
      if (metricsUrl != null && plan.requests > 0) {
        atWindowEnd = ServiceFirstToken.scrape(metricsClient, metricsUrl);
      }
      Stats total = new Stats();
      CallerVerticle.collect(verticles).forEach(total::merge);
      JsonObject report = report(plan, label, total);
      if (atWindowEnd != null) {
        report.put("service_first_token_ms", ServiceFirstToken.between(atWindowStart, atWindowEnd));
      }
      if (cpuAtStart >= 0 && os instanceof com.sun.management.OperatingSystemMXBean sun) {
        // This process's CPU (all threads) during the run: the client's own cost, to show it is not the limit.
        report.put("client_cpu_s", round((sun.getProcessCpuTime() - cpuAtStart) / 1e9, 2));
      }
      String line = report.encode();
      System.out.println(line);
      System.out.flush();
      String out = args.text("out", null);
      if (out != null) {
        try (FileWriter w = new FileWriter(out, true)) {
          w.write(line + "\n");
        }
      }
      if (!args.flag("quiet")) {
        System.err.println(summary(report));
      }
      int status = 0;
      if (args.flag("fail-on-error") && total.errorCount() > 0) {
        System.err.println("FAIL: " + total.errorCount() + " errors " + total.errors);
        status = 1;
      }
      long minCompleted = args.number("min-completed", 0);
      if (total.completed < minCompleted) {
        System.err.println("FAIL: " + total.completed + " streams completed, expected at least " + minCompleted);
        status = 1;
      }
      return status;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
  }

  private static JsonObject report(Plan plan, String label, Stats s) {
    double windowSeconds;
    long completedForRate;
    long bytesForRate;
    if (plan.requests > 0) {
      windowSeconds = s.lastEndNanos > s.firstStartNanos ? (s.lastEndNanos - s.firstStartNanos) / 1e9 : 0;
      completedForRate = s.completed;
      bytesForRate = s.bytesTotal;
    } else {
      windowSeconds = (plan.windowEndNanos - plan.windowStartNanos) / 1e9;
      completedForRate = s.completedInWindow;
      bytesForRate = s.bytesInWindow;
    }
    return new JsonObject()
        .put("label", label)
        .put("mode", plan.mode.name().toLowerCase())
        .put("target", "http://" + plan.host + ":" + plan.port + plan.uri)
        .put("accept", plan.accept)
        .put("concurrency", plan.concurrency)
        .put("event_loops", plan.eventLoops)
        .put("duration_s", plan.durationMs / 1000.0)
        .put("warmup_s", plan.warmupMs / 1000.0)
        .put("fixed_requests", plan.requests)
        .put("slow_bytes_per_second", plan.slowBytesPerSecond)
        .put("brands", plan.brands)
        .put("window_s", round(windowSeconds, 3))
        .put("started", s.started)
        .put("completed", s.completed)
        .put("completed_in_window", completedForRate)
        .put("errors_total", s.errorCount())
        .put("errors", new JsonObject(new LinkedHashMap<>(s.errors)))
        .put("error_details", new JsonObject(new LinkedHashMap<>(s.errorDetails)))
        .put("cache_results", new JsonObject(new LinkedHashMap<>(s.cacheResults)))
        .put("unfinished_at_end", s.unfinishedAtEnd)
        .put("streams_per_s", windowSeconds > 0 ? round(completedForRate / windowSeconds, 1) : 0)
        .put("mb_per_s", windowSeconds > 0 ? round(bytesForRate / windowSeconds / 1e6, 3) : 0)
        .put("bytes_total", s.bytesTotal)
        .put("measured_streams", s.totalMicros.count())
        .put("ttfb_ms", percentiles(s.ttfbMicros))
        .put("first_text_ms", percentiles(s.firstTextMicros))
        .put("total_ms", percentiles(s.totalMicros))
        .put("max_gap_ms", percentiles(s.maxGapMicros))
        .put("gap_ms", percentiles(s.gapMicros))
        .put("bytes_per_stream_mean", round(s.bytesPerStream.mean(), 1));
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("p50", ms(h.percentile(0.50)))
        .put("p90", ms(h.percentile(0.90)))
        .put("p99", ms(h.percentile(0.99)))
        .put("max", ms(h.max()))
        .put("mean", round(h.mean() / 1000.0, 3));
  }

  private static double ms(long micros) {
    return round(micros / 1000.0, 3);
  }

  static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  private static String summary(JsonObject r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "== %s: %s %s, %d callers%s%n", r.getString("label"), r.getString("mode"),
        r.getString("target"), r.getInteger("concurrency"),
        r.getDouble("slow_bytes_per_second") > 0 ? ", slow reader " + r.getDouble("slow_bytes_per_second") + " B/s" : ""));
    b.append(String.format(Locale.ROOT, "   streams: %d started, %d completed, %d errors %s, %d unfinished at end%n",
        r.getLong("started"), r.getLong("completed"), r.getLong("errors_total"), r.getJsonObject("errors").encode(),
        r.getLong("unfinished_at_end")));
    if (!r.getJsonObject("error_details").isEmpty()) {
      b.append(String.format(Locale.ROOT, "   error responses: %s%n", r.getJsonObject("error_details").encode()));
    }
    if (!r.getJsonObject("cache_results").isEmpty()) {
      b.append(String.format(Locale.ROOT, "   X-Campaign-Cache: %s%s%n", r.getJsonObject("cache_results").encode(),
          r.getInteger("brands") > 0 ? " over " + r.getInteger("brands") + " brands" : ""));
    }
    b.append(String.format(Locale.ROOT, "   throughput: %.1f streams/s, %.3f MB/s over %.1f s%n",
        r.getDouble("streams_per_s"), r.getDouble("mb_per_s"), r.getDouble("window_s")));
    for (String k : List.of("ttfb_ms", "first_text_ms", "total_ms", "max_gap_ms", "gap_ms")) {
      JsonObject p = r.getJsonObject(k);
      b.append(String.format(Locale.ROOT, "   %-13s p50 %8.3f  p90 %8.3f  p99 %8.3f  max %8.3f  (ms)%n", k,
          p.getDouble("p50"), p.getDouble("p90"), p.getDouble("p99"), p.getDouble("max")));
    }
    return b.toString();
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  private static <T> T await(Future<T> f, long ms) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
  }

  private static boolean awaitQuietly(Future<?> f, long ms) {
    try {
      await(f, Math.max(1, ms));
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
