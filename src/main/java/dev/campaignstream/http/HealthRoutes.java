package dev.campaignstream.http;

import dev.campaignstream.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node should get traffic:
 * its router is built from the contract (true once these handlers exist), it is not draining,
 * and an OpenAI worker answers on the event bus with its circuit not open.
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

  static HealthCheckHandler readiness(Vertx vertx, Lifecycle lifecycle) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("contract", promise -> promise.complete(Status.OK()))
        .register("accepting", promise -> promise.complete(lifecycle.draining()
            ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()))
        .register("openai-workers", PROBE_TIMEOUT_MS * 2, promise -> vertx.eventBus()
            .<JsonObject>request(Addresses.PROBE, new JsonObject(), new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS))
            .onSuccess(reply -> {
              String circuit = reply.body().getString("circuit");
              promise.complete("OPEN".equals(circuit)
                  ? Status.KO(new JsonObject().put("circuit", circuit)) : Status.OK(new JsonObject().put("circuit", circuit)));
            })
            .onFailure(noWorker -> promise.complete(Status.KO(new JsonObject().put("reason", "no OpenAI worker answers")))));
    return HealthCheckHandler.createWithHealthChecks(checks);
  }
}
