package dev.campaignstream;

import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import io.vertx.core.Vertx;
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
    Vertx vertx = Vertx.vertx();
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
        .onFailure(failure -> {
          LOG.error("Start-up failed: {}", failure.getMessage(), failure);
          System.exit(1);
        });
  }

  private static String usage(String problem) {
    System.err.println(problem + ". Usage: java -jar campaign-stream.jar [--demo] [--conf path/to/config.yaml]");
    System.exit(2);
    return null;
  }
}
