package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liveness is kept per pair of inboxes: quiet streams cost one ping per peer and heartbeat, however many. */
@ExtendWith(VertxExtension.class)
@Timeout(20)
class PeerLivenessTest {

  private static final int STREAMS = 40;
  private static final long HEARTBEAT_MS = 200;

  @Test
  void quietStreamsArePingedPerPeerNotPerStream(Vertx vertx, VertxTestContext testContext) {
    AtomicInteger pings = new AtomicInteger();
    AtomicInteger counting = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (counting.get() == 1 && delivery.message().body() instanceof Frame.Ping) {
        pings.incrementAndGet();
      }
      delivery.next();
    });
    TestService.start(vertx, json -> TestService.with(json, "cache", "enabled", false))
        .compose(app -> {
          // A piece now and then, within the idle timeout: every stream open and mostly quiet on both sides.
          app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas("a", "b", "c", "d")
              .withChunkInterval(Duration.ofMillis(1_500)));
          List<Future<CallerResponse>> streams = new ArrayList<>();
          for (int i = 0; i < STREAMS; i++) {
            streams.add(app.caller.get("/campaign?prompt=Brand" + i, "text/plain"));
          }
          return Eventually.await(vertx, "every stream open", 5_000,
                  () -> app.service.workerLoad().streams() == STREAMS)
              .compose(open -> {
                counting.set(1);
                return Eventually.sleep(vertx, 1_000);
              })
              .map(v -> {
                counting.set(2);
                testContext.verify(() -> {
                  // One HTTP instance and one worker: two peers, each pinged about once a heartbeat.
                  // Per stream it would be STREAMS times as many.
                  long perPeerBound = 2 * (1_000 / HEARTBEAT_MS + 2);
                  assertThat(pings.get()).isBetween(1, (int) perPeerBound);
                });
                return v;
              })
              .compose(v -> Future.all(streams));
        })
        .onComplete(testContext.succeedingThenComplete());
  }
}
