package dev.campaignstream;

import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import ch.qos.logback.classic.LoggerContext;
import dev.campaignstream.metrics.MetricsSetup;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node: {@code java -jar campaign-stream.jar [--demo] [--conf path/to/config.yaml]}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    boolean demoFlag = false;
    String confPath = ConfigLoader.DEFAULT_PATH;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--demo" -> demoFlag = true;
        case "--conf" -> confPath = i + 1 < args.length ? args[++i] : usage("--conf needs a path");
        default -> usage("unknown argument " + args[i]);
      }
    }
    boolean demo = demoFlag;
    Vertx vertx = MetricsSetup.vertx();
    ConfigLoader.load(vertx, confPath)
        .map(config -> demo ? config.withDemo() : config)
        .compose(config -> {
          if (!config.demo() && !config.openai().hasApiKey()) {
            System.err.println("OPENAI_API_KEY is not set: export OPENAI_API_KEY=<your key>, "
                + "or run with --demo (or DEMO_MODE=true) to use the built-in simulator without a key");
            System.exit(2);
          }
          return CampaignService.start(vertx, config);
        })
        .onSuccess(service -> drainOnSigterm(vertx, service))
        .onFailure(failure -> {
          LOG.error("Start-up failed: {}", failure.getMessage(), failure);
          System.exit(1);
        });
  }

  /**
   * SIGTERM drains the node, then the process exits 0: an orchestrator stopping a healthy node
   * must not see a failure. Halting skips the JVM's default exit status for a signal (143).
   */
  private static void drainOnSigterm(Vertx vertx, CampaignService service) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("SIGTERM: draining");
      long budgetMs = service.config().http().drainTimeoutMs() + 10_000;
      int status = 0;
      try {
        service.shutdown().toCompletionStage().toCompletableFuture().get(budgetMs, TimeUnit.MILLISECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LOG.info("Stopped cleanly");
      } catch (Exception e) {
        LOG.error("Shutdown did not complete cleanly: {}", e.toString());
        status = 1;
      }
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
        logback.stop();
      }
      Runtime.getRuntime().halt(status);
    }, "shutdown"));
  }

  private static String usage(String problem) {
    System.err.println(problem + ". Usage: java -jar campaign-stream.jar [--demo] [--conf path/to/config.yaml]");
    System.exit(2);
    return null;
  }
}
