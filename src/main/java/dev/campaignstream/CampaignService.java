package dev.campaignstream;

import dev.campaignstream.config.AppConfig;
import dev.campaignstream.http.ApiContract;
import dev.campaignstream.http.HttpVerticle;
import dev.campaignstream.http.StreamLimiter;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.upstream.OpenAiVerticle;
import dev.campaignstream.upstream.WorkerLoad;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the service: the OpenAI workers and the HTTP front deployed on a Vert.x
 * instance, with the configuration read once and handed to each verticle. In demo mode the
 * built-in simulator stands in for OpenAI.
 */
public final class CampaignService {

  private static final Logger LOG = LoggerFactory.getLogger(CampaignService.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final OpenAiSimulator simulator;
  private final StreamLimiter limiter;
  private final WorkerLoad workerLoad = new WorkerLoad();
  private String workerDeployment;
  private final List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();

  private CampaignService(Vertx vertx, AppConfig config, OpenAiSimulator simulator) {
    this.vertx = vertx;
    this.config = config;
    this.simulator = simulator;
    this.limiter = new StreamLimiter(config.http().maxConcurrentStreams());
  }

  public static Future<CampaignService> start(Vertx vertx, AppConfig config) {
    Future<OpenAiSimulator> simulator = config.demo()
        ? OpenAiSimulator.start(vertx, SimulatorOptions.demo())
        : Future.succeededFuture();
    return simulator.compose(sim -> {
      AppConfig effective = sim == null ? config : config.withOpenAi(config.openai().withBaseUrl(sim.baseUrl()));
      if (sim != null) {
        LOG.warn("DEMO MODE: campaigns are written by the built-in OpenAI simulator at {}, not by OpenAI",
            sim.baseUrl());
      }
      CampaignService service = new CampaignService(vertx, effective, sim);
      return service.deploy().map(service);
    });
  }

  private Future<Void> deploy() {
    ApiContract contract = ApiContract.load();
    Future<String> workers = vertx.deployVerticle(
        () -> new OpenAiVerticle(config.openai(), config.stream(), config.demo(), workerLoad),
        new DeploymentOptions().setInstances(config.workerInstances()));
    return workers
        .onSuccess(id -> workerDeployment = id)
        .compose(id -> vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(config.http(), config.stream(), contract, limiter);
          httpVerticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(config.httpInstances())))
        .onSuccess(id -> LOG.info("Serving on http://{}:{} (model {}, OpenAI at {})", config.http().host(),
            httpPort(), config.openai().model(), config.openai().baseUrl()))
        .mapEmpty();
  }

  /** The port the HTTP front listens on. */
  public int httpPort() {
    return httpVerticles.get(0).actualPort();
  }

  /** The simulator standing in for OpenAI, or null when not in demo mode. */
  public OpenAiSimulator simulator() {
    return simulator;
  }

  /** What this node's workers hold now. */
  public WorkerLoad workerLoad() {
    return workerLoad;
  }

  /** Stops this node's OpenAI workers (as a worker node leaving would), keeping the HTTP front. */
  public Future<Void> stopWorkers() {
    return vertx.undeploy(workerDeployment);
  }

  public StreamLimiter limiter() {
    return limiter;
  }

  public AppConfig config() {
    return config;
  }
}
