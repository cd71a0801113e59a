package dev.campaignstream.bench;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.DeploymentOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code upstream}: the project's {@link OpenAiSimulator} as a load target: one simulator per event
 * loop, all on the same port (Vert.x spreads the connections over them), every request answered
 * with the same paced stream. Prints {@code READY <port>} once listening; runs until killed.
 */
final class UpstreamLauncher {

  static final Set<String> OPTIONS = Set.of("host", "port", "chunks", "chunk-interval-ms", "first-token-delay-ms",
      "event-loops", "stats-every-s", "delta-bytes");

  private UpstreamLauncher() {
  }

  /** One simulator, started on this verticle's event loop so that its connections are served there. */
  private static final class SimulatorVerticle extends VerticleBase {
    private final SimulatorOptions options;
    private final List<OpenAiSimulator> started;

    SimulatorVerticle(SimulatorOptions options, List<OpenAiSimulator> started) {
      this.options = options;
      this.started = started;
    }

    @Override
    public Future<?> start() {
      return OpenAiSimulator.start(vertx, options).onSuccess(started::add);
    }
  }

  static int run(Args args) throws Exception {
    args.requireOnly(OPTIONS);
    String host = args.text("host", "127.0.0.1");
    int port = (int) args.number("port", 18481);
    int chunks = (int) args.number("chunks", 40);
    long intervalMs = args.number("chunk-interval-ms", 10);
    long firstTokenMs = args.number("first-token-delay-ms", 5);
    int loops = (int) args.number("event-loops", Math.min(2, Runtime.getRuntime().availableProcessors()));
    long statsEvery = args.number("stats-every-s", 5);

    int deltaBytes = (int) args.number("delta-bytes", 0);
    Behaviour behaviour = Behaviour.stream();
    if (deltaBytes > 0) {
      // Larger pieces than the generated words: the same bytes in far fewer chunks.
      String word = "campaign ";
      behaviour = behaviour.withDeltas(word.repeat(deltaBytes / word.length() + 1).substring(0, deltaBytes));
    }
    behaviour = behaviour
        .withChunks(chunks)
        .withChunkInterval(Duration.ofMillis(intervalMs))
        .withFirstTokenDelay(Duration.ofMillis(firstTokenMs));
    SimulatorOptions options = new SimulatorOptions(host, port, behaviour, false);

    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)).build();
    List<OpenAiSimulator> simulators = new CopyOnWriteArrayList<>();
    Promise<Void> all = Promise.promise();
    vertx.deployVerticle(() -> new SimulatorVerticle(options, simulators), new DeploymentOptions().setInstances(loops))
        .<Void>mapEmpty().onComplete(all);
    all.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    // The simulator keeps every request it saw (for tests); a load run would grow that list without
    // bound, so it is cleared periodically. Counters are summed before each clear (approximate).
    long[] totals = new long[3];
    vertx.setPeriodic(TimeUnit.SECONDS.toMillis(Math.max(1, statsEvery)), id -> {
      for (OpenAiSimulator sim : simulators) {
        totals[0] += sim.completedStreams();
        totals[1] += sim.abortedStreams();
        totals[2] += sim.pausedCount();
        sim.reset();
      }
      System.out.printf("upstream: completed %d, aborted %d, paused-for-drain %d (since start, approximate)%n",
          totals[0], totals[1], totals[2]);
    });
    System.out.println("upstream: " + loops + " simulator(s), " + behaviour);
    System.out.println("READY " + simulators.get(0).port());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join(); // until killed
    return 0;
  }
}
