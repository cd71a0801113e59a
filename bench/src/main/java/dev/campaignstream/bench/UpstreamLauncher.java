package dev.campaignstream.bench;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.RateLimits;
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
      "event-loops", "stats-every-s", "delta-bytes", "rate-limit-requests", "rate-limit-window-ms");

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

    // OpenAI's rate limit, played by all the simulators together: one window for the whole upstream.
    long limitRequests = args.number("rate-limit-requests", 0);
    RateLimits limits = limitRequests <= 0 ? null
        : RateLimits.requestsPer((int) limitRequests, Duration.ofMillis(args.number("rate-limit-window-ms", 60_000)));

    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(loops)).build();
    List<OpenAiSimulator> simulators = new CopyOnWriteArrayList<>();
    Promise<Void> all = Promise.promise();
    vertx.deployVerticle(() -> new SimulatorVerticle(options, simulators), new DeploymentOptions().setInstances(loops))
        .<Void>mapEmpty().onComplete(all);
    all.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    simulators.forEach(sim -> sim.setRateLimits(limits));

    // Exact counts since start, summed over the simulators (started = completed + aborted + faulted
    // + active). The simulators are not reset: reset() swaps in fresh counters, and a stream begun
    // just before a swap would be counted in the old ones after they had been read, i.e. lost. Nor is
    // the reset needed: a simulator keeps only its latest 10,000 requests. (The counters are ints:
    // 2^31 streams, days at the rates measured here.) bench/run.sh reads the upstream calls of a
    // phase as the difference of "started" before and after it (cache scenario, --stats-every-s 1);
    // slow-readers reads "paused-for-drain".
    vertx.setPeriodic(TimeUnit.SECONDS.toMillis(Math.max(1, statsEvery)), id -> {
      long started = 0;
      long completed = 0;
      long aborted = 0;
      long faulted = 0;
      long active = 0;
      long paused = 0;
      long rateLimited = 0;
      for (OpenAiSimulator sim : simulators) {
        rateLimited += sim.rateLimitedCount();
        // Read while streams run, the figures are of nearly one moment; once the upstream is idle
        // (as after a phase of the cache scenario) they are exact.
        active += sim.activeStreams();
        completed += sim.completedStreams();
        aborted += sim.abortedStreams();
        faulted += sim.faultedStreams();
        paused += sim.pausedCount();
        started += sim.startedStreams();
      }
      System.out.printf("upstream: started %d, completed %d, aborted %d, faulted %d, active %d,"
          + " paused-for-drain %d, rate-limited %d (since start)%n", started, completed, aborted, faulted, active,
          paused, rateLimited);
      System.out.flush();
    });
    System.out.println("upstream: " + loops + " simulator(s), " + behaviour
        + (limits == null ? "" : ", at most " + limitRequests + " requests per " + args.number("rate-limit-window-ms", 60_000) + " ms"));
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
