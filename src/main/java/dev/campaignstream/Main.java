package dev.campaignstream;

import ch.qos.logback.classic.LoggerContext;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.CallerAuth;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.config.UpstreamSettings;
import java.util.List;
import dev.campaignstream.config.NodeRole;
import dev.campaignstream.keys.InvalidKeysFileException;
import dev.campaignstream.keys.KeyMaker;
import dev.campaignstream.keys.KeysFile;
import dev.campaignstream.ops.IoTransport;
import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node:
 * {@code java -jar campaign-stream.jar [--demo] [--cluster] [--role all|http|worker] [--conf path/to/config.yaml]};
 * or makes a caller key: {@code java -jar campaign-stream.jar keys new <name>}.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE =
      "Usage: java -jar campaign-stream.jar [--demo] [--cluster] [--role all|http|worker] [--conf path/to/config.yaml]";

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("keys")) {
      keys(args);
      return;
    }
    boolean demo = false;
    boolean cluster = false;
    NodeRole role = null;
    String confPath = ConfigLoader.DEFAULT_PATH;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--demo" -> demo = true;
          case "--cluster" -> cluster = true;
          case "--role" -> role = NodeRole.parse(value(args, ++i, "--role needs all, http or worker"));
          case "--conf" -> confPath = value(args, ++i, "--conf needs a path");
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + ". " + USAGE);
      System.exit(2);
    }
    AppConfig config = readConfig(confPath).withFlags(demo, cluster, role);
    if (config.needsApiKey() && !config.openai().missingKeys().isEmpty()) {
      System.err.println(missingKeys(config.openai().missingKeys())
          + ", or run with --demo (or DEMO_MODE=true) to use the built-in simulator without a key");
      System.exit(2);
    }
    checkCallerAuth(config);
    Tracing tracing = tracing(config);
    IoTransport transport = IoTransport.named(config.ioTransport());
    Future<Vertx> vertx = config.cluster().enabled()
        ? ClusteredVertx.start(config.cluster(), config.cache(), transport, config.eventLoops(), tracing)
        : Future.succeededFuture(tracing.install(MetricsSetup.builder(transport, config.eventLoops())).build());
    vertx.onSuccess(started -> LOG.info("I/O transport: {}", IoTransport.running(started)))
        .compose(started -> CampaignService.start(started, config, tracing)
            .onSuccess(service -> drainOnSigterm(started, service, tracing)))
        .onFailure(failure -> {
          LOG.error("Start-up failed: {}", failure.getMessage(), failure);
          System.exit(1);
        });
  }

  /** Names each variable that is not set, never a value. */
  private static String missingKeys(List<UpstreamSettings> missing) {
    if (missing.size() == 1 && missing.get(0).name().equals(UpstreamSettings.SINGLE)) {
      return "OPENAI_API_KEY is not set: export OPENAI_API_KEY=<your key>";
    }
    return "The keys of these upstreams are not set: " + String.join(", ", missing.stream()
        .map(upstream -> upstream.name() + " (export " + upstream.apiKeyEnv() + "=<its key>)").toList());
  }

  /** {@code keys new <name>}: prints a fresh key once, and its entry for the keys file. */
  private static void keys(String[] args) {
    if (args.length != 3 || !args[1].equals("new")) {
      System.err.println("Usage: java -jar campaign-stream.jar keys new <name>");
      System.exit(2);
    }
    try {
      System.out.print(KeyMaker.announce(args[2]));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + ". Usage: java -jar campaign-stream.jar keys new <name>");
      System.exit(2);
    }
  }

  /**
   * A node serving the API either checks caller keys from a file that is valid now, or was told to be
   * open (or is in demo mode); otherwise it stops here with one line naming both ways out.
   */
  private static void checkCallerAuth(AppConfig config) {
    if (!config.role().runsHttp()) {
      return;
    }
    if (config.callerAuth() == CallerAuth.UNDECIDED) {
      System.err.println(CampaignService.OPEN_REFUSAL);
      System.exit(2);
    }
    if (config.callerAuth() == CallerAuth.KEYS) {
      try {
        KeysFile.read(Path.of(config.auth().keysFile()));
      } catch (InvalidKeysFileException e) {
        System.err.println("Cannot read the caller keys file " + config.auth().keysFile() + ": " + e.getMessage());
        System.exit(2);
      }
    }
  }

  /** A bad OTEL_* value (an unknown sampler, say) stops the start with one line, as a bad setting does. */
  private static Tracing tracing(AppConfig config) {
    try {
      return Tracing.fromEnvironment(config.traceContent());
    } catch (RuntimeException e) {
      System.err.println("Cannot set up tracing from the OTEL_* settings: " + e.getMessage());
      System.exit(2);
      return null;
    }
  }

  private static String value(String[] args, int index, String problem) {
    if (index >= args.length) {
      throw new IllegalArgumentException(problem);
    }
    return args[index];
  }

  /** The configuration decides whether the node is clustered, so it is read before the node's Vert.x exists. */
  private static AppConfig readConfig(String confPath) {
    Vertx reader = Vertx.vertx();
    try {
      return ConfigLoader.load(reader, confPath).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("Cannot read the configuration " + confPath + ": " + cause.getMessage());
      System.exit(2);
      return null;
    } finally {
      reader.close();
    }
  }

  /**
   * SIGTERM drains the node, then the process exits 0: an orchestrator stopping a healthy node
   * must not see a failure. Halting skips the JVM's default exit status for a signal (143).
   */
  private static void drainOnSigterm(Vertx vertx, CampaignService service, Tracing tracing) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("SIGTERM: draining");
      long budgetMs = service.config().http().drainTimeoutMs() + 10_000;
      int status = 0;
      try {
        service.shutdown().toCompletionStage().toCompletableFuture().get(budgetMs, TimeUnit.MILLISECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The spans of the streams that just drained are still buffered.
        tracing.shutdown(5_000);
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
}
