package dev.campaignstream.front;

import dev.campaignstream.ops.WorkerHealth;
import dev.campaignstream.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.List;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: this node should get traffic:
 * it is not draining, and its campaigns have a worker to go to. A node that runs workers asks its
 * own: ready while none of their circuits is open (each instance's state is in the answer), since
 * the bus spreads new streams over all of them. An HTTP-only node asks the bus for any worker.
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

  public static HealthCheckHandler readiness(Vertx vertx, Lifecycle lifecycle, WorkerHealth ownWorkers) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("accepting", promise -> promise.complete(lifecycle.draining()
            ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()))
        .register("openai-workers", PROBE_TIMEOUT_MS * 2, promise -> {
          List<String> circuits = ownWorkers.circuits();
          if (!circuits.isEmpty()) {
            JsonObject data = new JsonObject().put("circuits", new JsonArray(circuits));
            promise.complete(circuits.contains("OPEN") ? Status.KO(data) : Status.OK(data));
            return;
          }
          vertx.eventBus()
              .<JsonObject>request(Addresses.PROBE, new JsonObject(), new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS))
              .onSuccess(reply -> {
                String circuit = reply.body().getString("circuit");
                promise.complete("OPEN".equals(circuit)
                    ? Status.KO(new JsonObject().put("circuit", circuit)) : Status.OK(new JsonObject().put("circuit", circuit)));
              })
              .onFailure(noWorker -> promise.complete(Status.KO(new JsonObject().put("reason", "no OpenAI worker answers"))));
        });
    return HealthCheckHandler.createWithHealthChecks(checks);
  }
}
