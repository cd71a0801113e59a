package dev.campaignstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.CampaignService;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.ops.IoTransport;
import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.LoopWorkers;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.JarProcess;
import dev.campaignstream.support.Scrape;
import dev.campaignstream.support.TestService;
import dev.campaignstream.trace.Tracing;
import dev.campaignstream.upstream.UpstreamMetrics;
import dev.campaignstream.upstream.Upstreams;
import dev.campaignstream.worker.OpenAiVerticle;
import dev.campaignstream.worker.WorkerLoad;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node with as many event loops as verticle instances hands each campaign to the worker on the
 * HTTP verticle's own event loop, where it has one, and to any worker otherwise: callers spread
 * over both HTTP instances (one port, connections dealt in turn) and every one of them gets its
 * whole campaign either way. Counted by {@code campaign_worker_handoffs_total}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class SameLoopHandoffTest {

  private static final int LOOPS = 2;
  private static final int CALLERS = 8;

  /** Two event loops, as {@code AppConfig.eventLoops} gives a node of two instances of each verticle. */
  private final Vertx vertx = MetricsSetup.builder(IoTransport.EPOLL, LOOPS).build();

  @AfterEach
  void close(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void everyCampaignGoesToTheWorkerOnItsCallersLoop(VertxTestContext testContext) throws Exception {
    handoffs(LOOPS, false, testContext, (sameLoop, other) -> {
      assertThat(sameLoop).isEqualTo(CALLERS);
      assertThat(other).isZero();
    });
  }

  /** One worker for two HTTP instances: the instance on the other loop hands off as before. */
  @Test
  void aLoopWithoutAWorkerHandsToAnyWorker(VertxTestContext testContext) throws Exception {
    handoffs(1, false, testContext, (sameLoop, other) -> {
      assertThat(sameLoop).isEqualTo(CALLERS / 2);
      assertThat(other).isEqualTo(CALLERS / 2);
    });
  }

  /**
   * A loop listed as having a worker that no longer listens (one stopping as the handshake is
   * sent): the handshake falls back to any worker instead of failing the caller.
   */
  @Test
  void aWorkerGoneFromItsLoopIsNoFailure(VertxTestContext testContext) throws Exception {
    handoffs(1, true, testContext, (sameLoop, other) -> {
      assertThat(sameLoop).isEqualTo(CALLERS / 2);
      assertThat(other).isEqualTo(CALLERS / 2);
    });
  }

  /**
   * Starting a worker takes no event loop from Vert.x's round. Vert.x makes a deployment's instances,
   * then deals them to loops in turn while the first ones already start: a loop taken in a worker's
   * {@code start()} (its upstream clients once took one each) could come between two instances'
   * turns and put both on one loop, which failed the placement check above now and then. Here the
   * round is read before and after one instance's deployment: with two loops, the instance's own
   * turn brings it back to where it was.
   */
  @Test
  void startingAWorkerTakesNoLoopFromTheRound(VertxTestContext testContext) {
    AppConfig config = ConfigLoader.fromJson(TestService.testConfig());
    Upstreams upstreams = Upstreams.of(config.openai());
    EventLoopGroup round = ((VertxInternal) vertx).nettyEventLoopGroup();
    // Deployed from a context of its own, so that the deployment makes none for its caller.
    ContextInternal deployer = ((VertxInternal) vertx).createEventLoopContext();
    deployer.runOnContext(v -> {
      OpenAiVerticle worker = new OpenAiVerticle(vertx, config.openai(), config.stream(),
          new OpenAck.Worker(config.nodeName(), config.openai().model(), true), new WorkerLoad(upstreams),
          ServiceMetrics.create(null), UpstreamMetrics.create(new SimpleMeterRegistry(), upstreams), Tracing.OFF);
      EventLoop before = round.next();
      vertx.deployVerticle(worker).onComplete(testContext.succeeding(id -> testContext.verify(() -> {
        assertThat(config.openai().upstreams()).hasSize(1);
        assertThat(round.next()).as("the round after the instance's turn").isSameAs(before);
        testContext.completeNow();
      })));
    });
  }

  private interface Counts {
    void check(double sameLoop, double other);
  }

  /**
   * Starts a node of {@code LOOPS} HTTP instances and {@code workers} workers on one port, sends
   * {@code CALLERS} campaigns at once (a connection each), and checks what the handoffs counter
   * moved by.
   */
  private void handoffs(int workers, boolean staleLoops, VertxTestContext testContext, Counts expected)
      throws Exception {
    int port = JarProcess.freePort();
    JsonObject json = TestService.testConfig();
    json.getJsonObject("http").put("port", port);
    json.put("instances", new JsonObject().put("http", LOOPS).put("worker", workers));
    OpenAiSimulator.start(vertx, SimulatorOptions.forTests())
        .compose(upstream -> {
          json.getJsonObject("openai").put("baseUrl", upstream.baseUrl());
          AppConfig config = ConfigLoader.fromJson(json);
          assertThat(config.eventLoops()).isEqualTo(LOOPS);
          return CampaignService.start(vertx, config).map(service -> upstream);
        })
        .compose(upstream -> {
          // Vert.x deals a deployment's instances to consecutive loops: as many workers as loops
          // put one on each, which the counts below rest on.
          Set<String> placed = LoopWorkers.of(vertx).loops();
          testContext.verify(() -> assertThat(placed).as("loops with a worker").hasSize(workers));
          if (staleLoops) {
            IntStream.range(0, LOOPS).forEach(i -> LoopWorkers.of(vertx).add("vert.x-eventloop-thread-" + i));
          }
          Caller caller = new Caller(vertx, port);
          return scrape(caller).compose(before -> campaigns(caller).compose(answers -> scrape(caller).map(after -> {
            testContext.verify(() -> {
              assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.status).isEqualTo(200);
                assertThat(answer.body()).isNotBlank();
              });
              assertThat(upstream.requests()).hasSize(CALLERS);
              expected.check(handoffs(after, "same_loop") - handoffs(before, "same_loop"),
                  handoffs(after, "other") - handoffs(before, "other"));
            });
            return after;
          })));
        })
        .onComplete(testContext.succeedingThenComplete());
  }

  /** {@code CALLERS} campaigns at once, each on a connection of its own. */
  private static Future<List<CallerResponse>> campaigns(Caller caller) {
    List<Future<CallerResponse>> answers = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      answers.add(caller.get("/campaign?prompt=Brand" + i, "text/plain"));
    }
    return Future.all(answers).map(all -> all.<CallerResponse>list());
  }

  private static Future<String> scrape(Caller caller) {
    return caller.get("/metrics", null).map(CallerResponse::body);
  }

  private static double handoffs(String scrape, String worker) {
    return Scrape.value(scrape, "campaign_worker_handoffs_total", "worker=\"" + worker + "\"");
  }
}
