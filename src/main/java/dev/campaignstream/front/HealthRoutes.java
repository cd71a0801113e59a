package dev.campaignstream.front;

import dev.campaignstream.ops.WorkerHealth;
import dev.campaignstream.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node should get traffic:
 * it is not draining, and its campaigns have a worker to go to with an upstream that can take new
 * streams (each upstream's state, and why it cannot, is in the answer). A node that runs workers
 * asks its own; an HTTP-only node asks the bus for any worker.
 */
public final class HealthRoutes {

  private static final long PROBE_TIMEOUT_MS = 1_000;

  private HealthRoutes() {
  }

  /** Alive while the event loop answers; the same on every kind of node. */
  public static HealthCheckHandler liveness(Vertx vertx) {
    return HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK())));
  }

  /** Up while some upstream can take new streams. */
  public static Status upstreamsStatus(JsonObject health) {
    return health.getBoolean("available", false) ? Status.OK(health) : Status.KO(health);
  }

  public static HealthCheckHandler readiness(Vertx vertx, Lifecycle lifecycle, WorkerHealth ownWorkers) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("accepting", promise -> promise.complete(lifecycle.draining()
            ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()))
        .register("openai-workers", PROBE_TIMEOUT_MS * 2, promise -> {
          if (ownWorkers.runsWorkers()) {
            promise.complete(upstreamsStatus(ownWorkers.health()));
            return;
          }
          vertx.eventBus()
              .<JsonObject>request(Addresses.PROBE, new JsonObject(), new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS).setTracingPolicy(TracingPolicy.IGNORE))
              .onSuccess(reply -> promise.complete(upstreamsStatus(reply.body())))
              .onFailure(noWorker -> promise.complete(Status.KO(new JsonObject().put("reason", "no OpenAI worker answers"))));
        });
    return HealthCheckHandler.createWithHealthChecks(checks);
  }
}
