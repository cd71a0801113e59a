package dev.campaignstream.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code upstream-protocols}: the workers' side of an upstream connection, HTTP/1.1 against
 * HTTP/2 (h2c with prior knowledge; TLS with ALPN would add the same handshake to both), as the
 * worker's client is set up: N streams held open at once against the bench upstream, each read to
 * its end, again and again for a duration. Prints one JSON line: streams, chunks, this process's
 * CPU per chunk, its sockets, its live heap after a GC, and whether a paused stream held the
 * upstream back (its writes waited for drain).
 */
final class UpstreamProtocols {

  static final Set<String> OPTIONS = Set.of("url", "protocol", "streams", "duration", "pause-one-ms");

  private UpstreamProtocols() {
  }

  static int run(Args args) throws Exception {
    args.requireOnly(OPTIONS);
    String url = args.text("url", "http://127.0.0.1:18481/v1/chat/completions");
    boolean http2 = args.text("protocol", "1.1").equals("2");
    int streams = (int) args.number("streams", 1000);
    long durationMs = args.number("duration", 20) * 1000;
    long pauseOneMs = args.number("pause-one-ms", 0);
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true))
        .build();
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setReceiveBufferSize(4 * 1024);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(streams);
    if (http2) {
      options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
      pool.setHttp2MaxSize(Math.max(1, streams / 100 + 1));
    }
    HttpClient client = vertx.createHttpClient(options, pool);
    Buffer body = new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Acme")))
        .toBuffer();
    AtomicLong chunks = new AtomicLong();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    long cpu0 = processCpuNanos();
    CountDownLatch done = new CountDownLatch(streams);
    AtomicInteger maxSockets = new AtomicInteger();
    vertx.setPeriodic(1000, id -> maxSockets.accumulateAndGet(sockets(), Math::max));
    for (int i = 0; i < streams; i++) {
      boolean pausing = i == 0 && pauseOneMs > 0;
      vertx.runOnContext(v -> loop(vertx, client, url, body, end, chunks, completed, failed, done, pausing, pauseOneMs));
    }
    done.await(durationMs + 60_000, TimeUnit.MILLISECONDS);
    long cpu = processCpuNanos() - cpu0;
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    System.out.println(new JsonObject()
        .put("protocol", http2 ? "2" : "1.1").put("streams", streams).put("duration_s", durationMs / 1000)
        .put("completed", completed.get()).put("failed", failed.get()).put("chunks", chunks.get())
        .put("cpu_s", cpu / 1e9).put("cpu_us_per_chunk", chunks.get() == 0 ? 0 : cpu / 1e3 / chunks.get())
        .put("max_sockets", maxSockets.get()).put("heap_after_gc_mb", heap / 1024.0 / 1024.0).encode());
    client.close().await();
    vertx.close().await();
    return failed.get() == 0 ? 0 : 1;
  }

  private static void loop(Vertx vertx, HttpClient client, String url, Buffer body, long end, AtomicLong chunks,
      AtomicInteger completed, AtomicInteger failed, CountDownLatch done, boolean pausing, long pauseMs) {
    if (System.nanoTime() > end) {
      done.countDown();
      return;
    }
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
            .putHeader("content-type", "application/json").putHeader("accept", "text/event-stream"))
        .compose(request -> request.send(body))
        .compose(response -> {
          if (pausing) {
            // Held back like a stream out of credit: the upstream must stop writing, not buffer here.
            response.pause();
            vertx.setTimer(pauseMs, id -> response.resume());
          }
          response.handler(buffer -> chunks.incrementAndGet());
          return response.end();
        })
        .onComplete(ended -> {
          if (ended.succeeded()) {
            completed.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
          loop(vertx, client, url, body, end, chunks, completed, failed, done, false, 0);
        });
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static int sockets() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      List<Path> all = new ArrayList<>(fds.toList());
      int count = 0;
      for (Path fd : all) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            count++;
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
      return count;
    } catch (IOException e) {
      return -1;
    }
  }
}
