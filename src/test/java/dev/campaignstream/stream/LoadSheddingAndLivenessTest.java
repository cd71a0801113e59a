package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.protocol.Addresses;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The node's stream cap, and what callers see when the worker side goes away. */
@ExtendWith(VertxExtension.class)
class LoadSheddingAndLivenessTest {

  @Test
  void pastTheCapCallersGet503AtOnceAndServiceRecoversWhenStreamsEnd(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(json, "http", "maxConcurrentStreams", 2)).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas("a", "b").withFirstTokenDelay(Duration.ofMillis(600)),
          Behaviour.stream().withDeltas("a", "b").withFirstTokenDelay(Duration.ofMillis(600)));
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas("back"));
      List<Future<CallerResponse>> held = new ArrayList<>();
      held.add(app.caller.get("/campaign?prompt=One", null));
      held.add(app.caller.get("/campaign?prompt=Two", null));
      return Eventually.await(vertx, "two streams held", 2_000, () -> app.upstream.activeStreams() == 2)
          .compose(v -> app.caller.get("/campaign?prompt=Three", null))
          .map(shed -> {
            testContext.verify(() -> {
              assertThat(shed.status).isEqualTo(503);
              assertThat(shed.header("Retry-After")).isEqualTo("1");
              assertThat(shed.json().getString("detail"))
                  .isEqualTo("This node is serving its maximum of 2 streams, try again shortly");
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return shed;
          })
          .compose(v -> Future.all(held))
          .compose(v -> app.caller.get("/campaign?prompt=Four", null))
          .map(recovered -> {
            testContext.verify(() -> {
              assertThat(recovered.status).isEqualTo(200);
              assertThat(recovered.body()).isEqualTo("back");
            });
            return recovered;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void withNoWorkerOnTheBusCallersGet503Quickly(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.service.stopWorkers()
        .compose(v -> app.caller.get("/campaign?prompt=Acme", null))
        .map(seen -> {
          testContext.verify(() -> {
            assertThat(seen.status).isEqualTo(503);
            assertThat(seen.json().getString("detail")).isEqualTo("No campaign writer is available, try again later");
            assertThat(app.service.limiter().active()).isZero();
          });
          return seen;
        })).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aWorkerStoppingMidStreamEndsTheCallersStreamWithTheErrorMarker(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(10)));
      Future<CallerResponse> stream = app.caller.get("/campaign?prompt=Acme", "text/event-stream");
      return Eventually.await(vertx, "streaming", 2_000, () -> app.upstream.activeStreams() == 1)
          .compose(v -> Eventually.sleep(vertx, 100))
          .compose(v -> app.service.stopWorkers())
          .compose(v -> stream)
          .map(seen -> {
            testContext.verify(() -> {
              List<CallerResponse.Event> events = seen.events();
              assertThat(events.size()).isGreaterThan(1);
              CallerResponse.Event last = events.get(events.size() - 1);
              assertThat(last.type()).isEqualTo("error");
              assertThat(last.data()).isEqualTo(new JsonObject().put("status", 503)
                  .put("detail", "The campaign writer stopped, try again"));
            });
            return seen;
          })
          .compose(v -> Eventually.await(vertx, "upstream reset", 2_000, () -> app.upstream.abortedStreams() == 1));
    }).onComplete(testContext.succeedingThenComplete());
  }

  /** A worker that takes the stream and then dies silently, as a killed node does. */
  @Test
  void aWorkerThatFallsSilentIsGivenUpAfterTheLivenessTimeout(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.service.stopWorkers().compose(v -> {
      vertx.eventBus().<JsonObject>consumer(Addresses.OPEN,
          open -> open.reply(new OpenAck("campaign.inbox.nobody", new OpenAck.Worker("ghost", "gpt-test", false)).toJson()));
      long sent = System.nanoTime();
      return app.caller.get("/campaign?prompt=Acme", "text/event-stream").map(seen -> {
        testContext.verify(() -> {
          long tookMs = (System.nanoTime() - sent) / 1_000_000;
          assertThat(seen.status).isEqualTo(503);
          assertThat(seen.json().getString("detail")).isEqualTo("The campaign writer stopped responding, try again");
          // The test configuration's liveness timeout is 1000 ms.
          assertThat(tookMs).isBetween(1_000L, 5_000L);
          assertThat(app.service.limiter().active()).isZero();
        });
        return seen;
      });
    })).onComplete(testContext.succeedingThenComplete());
  }
}
