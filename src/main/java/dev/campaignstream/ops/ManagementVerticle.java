package dev.campaignstream.ops;

import dev.campaignstream.front.HealthRoutes;
import dev.campaignstream.front.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * The operators' endpoints on a port of their own ({@code MANAGEMENT_PORT}), so that the public port
 * serves only the API and its documentation: {@code /metrics}, {@code /health/live} and
 * {@code /health/ready}, the same answers as they would give beside the API. Never behind a caller key.
 */
public final class ManagementVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Lifecycle lifecycle;
  private final WorkerHealth workers;
  private HttpServer server;

  public ManagementVerticle(String host, int port, Lifecycle lifecycle, WorkerHealth workers) {
    this.host = host;
    this.port = port;
    this.lifecycle = lifecycle;
    this.workers = workers;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(MetricsRoute.create());
    router.get("/health/live").handler(HealthRoutes.liveness(vertx));
    router.get("/health/ready").handler(HealthRoutes.readiness(vertx, lifecycle, workers));
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
