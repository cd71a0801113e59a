package dev.campaignstream.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code otlp-sink}: a collector that accepts and drops, for the cost of tracing: {@code POST /v1/traces}
 * is read whole and answered {@code 200} with an empty {@code ExportTraceServiceResponse} (zero bytes of
 * protobuf), so that the service's exporter does all its work and never backs off. {@code GET /stats}
 * answers the export requests and bytes received so far. Prints {@code READY <port>}; runs until killed.
 */
final class OtlpSink {

  static final Set<String> OPTIONS = Set.of("host", "port");

  private OtlpSink() {
  }

  static int run(Args args) throws Exception {
    args.requireOnly(OPTIONS);
    String host = args.text("host", "127.0.0.1");
    int port = (int) args.number("port", 18484);
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).build();
    vertx.createHttpServer()
        .requestHandler(request -> {
          if (request.path().equals("/stats")) {
            request.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("requests", requests.get()).put("bytes", bytes.get()).encode());
            return;
          }
          request.body().onSuccess(body -> {
            requests.incrementAndGet();
            bytes.addAndGet(body.length());
            request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
          });
        })
        .listen(port, host)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("READY " + port);
    Thread.currentThread().join();
    return 0;
  }
}
