package dev.campaignstream.ops;

import dev.campaignstream.front.HealthRoutes;
import dev.campaignstream.worker.WorkerLoad;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * What a worker-only node serves over HTTP: no API, only what operators need of it —
 * {@code /metrics} (its OpenAI calls, tokens and circuit are recorded here, not on the HTTP
 * nodes), {@code /health/live} and {@code /health/ready} (its workers are deployed and not all
 * behind an open circuit).
 */
public final class WorkerOpsVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final WorkerLoad load;

  public WorkerOpsVerticle(String host, int port, WorkerLoad load) {
    this.host = host;
    this.port = port;
    this.load = load;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(MetricsRoute.create());
    router.get("/health/live").handler(HealthRoutes.liveness(vertx));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("openai-workers", promise -> promise.complete(load.circuitState() == 2
            ? Status.KO(new JsonObject().put("circuit", "OPEN"))
            : Status.OK(new JsonObject().put("circuit", load.circuitState() == 1 ? "HALF_OPEN" : "CLOSED"))))));
    return vertx.createHttpServer().requestHandler(router).listen(port, host);
  }
}
