package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SIGTERM to the real jar mid-stream: not ready at once, new streams refused, the running one ended, exit 0. */
@ExtendWith(VertxExtension.class)
class GracefulShutdownIT {

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void sigtermDrainsThenExitsZero(Vertx vertx, VertxTestContext testContext) throws Exception {
    // The demo stream takes about ten seconds: longer than the drain time.
    JarProcess service = JarProcess.start(Map.of("HTTP_DRAIN_TIMEOUT_MS", "2000"), "--demo");
    Caller caller = new Caller(vertx, service.port);
    waitUntilReady(vertx, caller)
        .compose(ready -> {
          Promise<Void> firstChunk = Promise.promise();
          Future<CallerResponse> running = caller.watch("/campaign?prompt=Acme", "text/event-stream",
              read -> firstChunk.tryComplete());
          return firstChunk.future()
              .compose(v -> {
                service.process.destroy(); // SIGTERM
                return Eventually.sleep(vertx, 300);
              })
              .compose(v -> caller.get("/health/ready", null))
              .compose(ready503 -> caller.get("/campaign?prompt=Late", null).map(late -> List.of(ready503, late)))
              .compose(refused -> running.map(cut -> List.of(refused.get(0), refused.get(1), cut)));
        })
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.get(0).status).isEqualTo(503);
          assertThat(seen.get(1).status).isEqualTo(503);
          assertThat(seen.get(1).json().getString("detail")).isEqualTo("This node is shutting down, try again");
          List<CallerResponse.Event> events = seen.get(2).events();
          assertThat(events.size()).isGreaterThan(1);
          assertThat(events.get(events.size() - 1).data()).isEqualTo(new JsonObject().put("status", 503)
              .put("detail", "The service is shutting down, try again"));
          assertThat(service.process.waitFor(20, TimeUnit.SECONDS)).as(service.output()).isTrue();
          assertThat(service.process.exitValue()).as(service.output()).isZero();
          assertThat(service.output()).contains("SIGTERM: draining").contains("Stopped cleanly");
          testContext.completeNow();
        })));
    testContext.awaitCompletion(60, TimeUnit.SECONDS);
    service.close();
  }

  static Future<CallerResponse> waitUntilReady(Vertx vertx, Caller caller) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    return caller.get("/health/ready", null)
        .recover(notYet -> Future.succeededFuture(null))
        .compose(answer -> {
          if (answer != null && answer.status == 200) {
            return Future.succeededFuture(answer);
          }
          if (System.nanoTime() > deadline) {
            return Future.failedFuture(new AssertionError("The service did not become ready"));
          }
          return Eventually.sleep(vertx, 200).compose(v -> waitUntilReady(vertx, caller));
        });
  }
}
