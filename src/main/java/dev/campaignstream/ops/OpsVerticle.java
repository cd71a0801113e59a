package dev.campaignstream.ops;

import dev.campaignstream.front.HealthRoutes;
import dev.campaignstream.front.Lifecycle;
import dev.campaignstream.worker.WorkerLoad;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.function.Function;

/**
 * The operators' endpoints on a server of their own, never behind a caller key: {@code /metrics},
 * {@code /health/live} and {@code /health/ready}. Two kinds of node need it: one with a management
 * port ({@code MANAGEMENT_PORT}), so that the public port serves only the API and its documentation,
 * and a worker-only node, which serves no API but whose OpenAI calls, tokens and circuit are
 * recorded in its own metrics. Only what makes the node ready differs.
 */
public final class OpsVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Function<Vertx, Handler<RoutingContext>> readiness;
  private HttpServer server;

  private OpsVerticle(String host, int port, Function<Vertx, Handler<RoutingContext>> readiness) {
    this.host = host;
    this.port = port;
    this.readiness = readiness;
  }

  /** A node serving the API: ready as it would answer beside the API. */
  public static OpsVerticle forApiNode(String host, int port, Lifecycle lifecycle, WorkerHealth workers) {
    return new OpsVerticle(host, port, vertx -> HealthRoutes.readiness(vertx, lifecycle, workers));
  }

  /** A worker-only node: ready while its workers are not behind an open circuit. */
  public static OpsVerticle forWorkerNode(String host, int port, WorkerLoad load) {
    return new OpsVerticle(host, port, vertx -> HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("openai-workers", promise -> promise.complete(HealthRoutes.upstreamsStatus(load.health())))));
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(MetricsRoute.create(vertx));
    router.get("/health/live").handler(HealthRoutes.liveness(vertx));
    router.get("/health/ready").handler(readiness.apply(vertx));
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
