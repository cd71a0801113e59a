package dev.campaignstream;

import dev.campaignstream.budget.ClusterKeyBudgets;
import dev.campaignstream.budget.KeyBudgets;
import dev.campaignstream.budget.LocalKeyBudgets;
import dev.campaignstream.budget.UsageLog;
import dev.campaignstream.sharing.CampaignCache;
import dev.campaignstream.sharing.ClusterCampaignCache;
import dev.campaignstream.sharing.LocalCampaignCache;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.config.UpstreamSettings;
import dev.campaignstream.config.UpstreamType;
import dev.campaignstream.front.ApiContract;
import dev.campaignstream.front.FrontNode;
import dev.campaignstream.front.HttpVerticle;
import dev.campaignstream.front.edge.ConnectionCap;
import dev.campaignstream.front.Lifecycle;
import dev.campaignstream.sharing.Campaigns;
import dev.campaignstream.sharing.ModelChoice;
import dev.campaignstream.sharing.StreamOwners;
import dev.campaignstream.front.StreamLimiter;
import dev.campaignstream.keys.KeysFileWatch;
import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.ops.OpsVerticle;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.trace.Tracing;
import dev.campaignstream.upstream.UpstreamMetrics;
import dev.campaignstream.upstream.Upstreams;
import dev.campaignstream.worker.OpenAiVerticle;
import dev.campaignstream.worker.WorkerLoad;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
  private final FrontNode front;
  private final WorkerLoad workerLoad;
  private final UpstreamMetrics upstreamMetrics;
  private String workerDeployment;
  private String httpDeployment;
  private final List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();
  private final ConnectionCap connections;
  private final Tracing tracing;
  private OpsVerticle management;

  private CampaignService(Vertx vertx, AppConfig config, OpenAiSimulator simulator, CampaignCache cache,
      KeysFileWatch keys, Spending spending, Tracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.config = config;
    this.simulator = simulator;
    ServiceMetrics metrics = ServiceMetrics.create(MetricsSetup.registry(vertx));
    Upstreams upstreams = Upstreams.of(config.openai());
    this.workerLoad = new WorkerLoad(upstreams);
    this.upstreamMetrics = config.role().runsWorkers()
        ? UpstreamMetrics.create(MetricsSetup.registry(vertx), upstreams) : null;
    this.connections = new ConnectionCap(config.http().maxConnections());
    this.front = new FrontNode(ApiContract.load(), new StreamLimiter(config.http().maxConcurrentStreams()), metrics,
        new Lifecycle(), new Campaigns(cache, config.cache(), ModelChoice.of(config.openai().upstreams())), workerLoad, keys,
        config.management().separate(), spending.budgets(), spending.usage(), tracing);
    metrics.gauge("campaign.streams.active", "http", "Streams open now", front.limiter()::active);
    metrics.gauge("campaign.streams.active", "worker", "Streams open now", workerLoad::streams);
    metrics.gauge("campaign.buffered.chunks", "worker", "Chunks parsed from OpenAI, waiting for the caller's credit",
        workerLoad::bufferedChunks);
    metrics.gauge("campaign.circuit.state", "worker", "Circuit breaker: 0 closed, 1 half-open, 2 open",
        workerLoad::circuitState);
    Campaigns shared = front.shared();
    shared.shareAcross(config.nodeName(), config.stream().reconnectGraceMs(), streamOwners(vertx, config));
    metrics.sharedStreams(shared::ownedStreams, shared::followedStreams, shared::remoteJoins);
  }

  /**
   * The registry of streams in flight that lets every HTTP node of a cluster follow a campaign
   * any of them writes: Hazelcast's map, through the cluster manager; none on a single node (nor
   * on a node told to cluster on a Vert.x that is not, as some tests run), nor on a worker-only one.
   */
  private static StreamOwners streamOwners(Vertx vertx, AppConfig config) {
    if (config.cluster().enabled() && config.role().runsHttp()
        && ((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager) {
      return new StreamOwners(vertx, manager.getHazelcastInstance(), config.nodeName(),
          config.stream().livenessTimeoutMs());
    }
    return null;
  }

  public static Future<CampaignService> start(Vertx vertx, AppConfig config) {
    return start(vertx, config, Tracing.OFF);
  }

  /** @param tracing the traces {@code vertx} was built with ({@link Tracing#install}) */
  public static Future<CampaignService> start(Vertx vertx, AppConfig config, Tracing tracing) {
    // The simulator stands in for OpenAI where the workers run.
    Future<OpenAiSimulator> simulator = config.demo() && config.role().runsWorkers()
        ? OpenAiSimulator.start(vertx, SimulatorOptions.demo())
        : Future.succeededFuture();
    return simulator.compose(sim -> {
      AppConfig effective = sim == null ? config : config.withOpenAi(config.openai().redirected(upstream -> simulated(upstream, sim)));
      if (sim != null) {
        LOG.warn("DEMO MODE: campaigns are written by the built-in OpenAI simulator at {}, not by OpenAI",
            sim.baseUrl());
      }
      return callerKeys(vertx, effective).compose(keys -> cache(vertx, effective).compose(cache ->
          spending(vertx, effective).compose(spending -> {
            CampaignService service = new CampaignService(vertx, effective, sim, cache, keys, spending, tracing);
            return service.deploy().map(service);
          })));
    });
  }

  /**
   * An upstream as demo mode calls it: at the simulator, in its own shape (an Azure deployment
   * keeps its deployment's name), with its name, model and weight, so that the configuration of
   * several upstreams can be tried without a key.
   */
  private static UpstreamSettings simulated(UpstreamSettings upstream, OpenAiSimulator sim) {
    if (upstream.type() != UpstreamType.AZURE) {
      return upstream.withBaseUrl(sim.baseUrl());
    }
    String path = java.net.URI.create(upstream.baseUrl()).getPath().replaceAll("/+$", "");
    return upstream.withBaseUrl(sim.origin() + "/openai/deployments/" + path.substring(path.lastIndexOf('/') + 1));
  }

  /**
   * The caller keys a node serving the API checks, from the keys file (a file that is not valid
   * fails the start), or null when callers are not authenticated: then a warning says so.
   */
  private static Future<KeysFileWatch> callerKeys(Vertx vertx, AppConfig config) {
    if (!config.role().runsHttp()) {
      return Future.succeededFuture();
    }
    return switch (config.callerAuth()) {
      case KEYS -> deployed(vertx, new KeysFileWatch(config.auth().keysFile(), config.auth().reloadCheckMs()))
          .recover(invalid -> Future.failedFuture(new IllegalStateException(
              "The caller keys file " + config.auth().keysFile() + " is not valid: " + invalid.getMessage())));
      case OPEN -> {
        LOG.warn("OPEN SERVICE: callers are not authenticated ({}); anyone who reaches the port is served{}",
            config.auth().mode().equals("none") ? "CALLER_AUTH=none" : "demo mode without a keys file",
            config.auth().hasKeysFile() ? ", and the keys file " + config.auth().keysFile() + " is ignored" : "");
        yield Future.succeededFuture();
      }
      case UNDECIDED -> Future.failedFuture(new IllegalStateException(OPEN_REFUSAL));
    };
  }

  private static Future<KeysFileWatch> deployed(Vertx vertx, KeysFileWatch watch) {
    return vertx.deployVerticle(watch).map(id -> watch);
  }

  /** Why a node that would serve OpenAI's campaigns to anyone does not start, and both ways out. */
  public static final String OPEN_REFUSAL = "Callers are not authenticated: set CALLER_KEYS_FILE to a keys file"
      + " (make a key with 'java -jar campaign-stream.jar keys new <name>'), or set CALLER_AUTH=none to serve"
      + " anyone who can reach the port";

  /**
   * The campaign cache of this node's HTTP front: in this process for a single node; in the
   * cluster manager's distributed map when clustered, so that every node serves what any paid for.
   */
  private static Future<CampaignCache> cache(Vertx vertx, AppConfig config) {
    CacheSettings settings = config.cache();
    return config.cluster().enabled()
        ? ClusterCampaignCache.create(vertx, settings.ttlMs())
        : Future.succeededFuture(new LocalCampaignCache(settings.ttlMs(), settings.maxEntries()));
  }

  /** The callers' limits and the usage log of a node that serves HTTP (a worker-only node has neither). */
  private record Spending(KeyBudgets budgets, UsageLog usage) {
  }

  /**
   * The limits are the cluster's when clustered: Hazelcast's map, through the cluster manager (a
   * node told to cluster on a Vert.x that is not, as some tests run, keeps them locally). A
   * single node keeps them in the process, and takes the tokens of the day back from its usage log
   * at start, so that a restart does not hand every key a fresh day. Opening and reading the log
   * are done on a worker thread.
   */
  private static Future<Spending> spending(Vertx vertx, AppConfig config) {
    if (!config.role().runsHttp()) {
      return Future.succeededFuture(new Spending(null, null));
    }
    Path file = Path.of(config.usageLogFile());
    if (config.cluster().enabled()
        && ((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager) {
      KeyBudgets budgets = new ClusterKeyBudgets(vertx, manager.getHazelcastInstance());
      return vertx.executeBlocking(() -> UsageLog.open(file, config.openai().model()))
          .map(usage -> new Spending(budgets, usage));
    }
    return vertx.executeBlocking(() -> {
      UsageLog usage = UsageLog.open(file, config.openai().model());
      LocalKeyBudgets budgets = new LocalKeyBudgets();
      var spent = usage.tokensToday(Instant.now());
      spent.forEach(budgets::charge);
      if (!spent.isEmpty()) {
        LOG.info("Tokens of today taken back from the usage log {} for {} keys", file, spent.size());
      }
      return new Spending(budgets, usage);
    });
  }

  /** Workers first, so that a node serving HTTP can take streams as soon as it listens. */
  private Future<Void> deploy() {
    Future<Void> workers = !config.role().runsWorkers() ? Future.<Void>succeededFuture() : vertx.deployVerticle(
            () -> new OpenAiVerticle(vertx, config.openai(), config.stream(),
                new OpenAck.Worker(config.nodeName(), config.openai().model(), config.demo()), workerLoad,
                front.metrics(), upstreamMetrics, tracing),
            new DeploymentOptions().setInstances(config.workerInstances()))
        .onSuccess(id -> workerDeployment = id)
        .mapEmpty();
    return workers
        .compose(v -> !config.role().runsHttp() ? deployWorkerOps() : vertx.deployVerticle(() -> {
              HttpVerticle verticle = new HttpVerticle(config.http(), config.stream(), front, connections);
              httpVerticles.add(verticle);
              return verticle;
            }, new DeploymentOptions().setInstances(config.httpInstances()))
            .onSuccess(id -> httpDeployment = id)
            .compose(id -> deployManagement()))
        .onSuccess(v -> LOG.info("Node {} ({}{}) up: {}", config.nodeName(), config.role().name().toLowerCase(),
            config.cluster().enabled() ? ", clustered" : "", describe()));
  }

  /** With a management port, the operators' endpoints move there from the API's port. */
  private Future<Void> deployManagement() {
    if (!config.management().separate()) {
      return Future.succeededFuture();
    }
    management = OpsVerticle.forApiNode(config.http().host(), config.management().port(), front.lifecycle(),
        front.workers());
    return vertx.deployVerticle(management).mapEmpty();
  }

  /** A worker-only node still serves its metrics and health to operators, on the management port if there is one. */
  private Future<Void> deployWorkerOps() {
    int port = config.management().separate() ? config.management().port() : config.http().port();
    return vertx.deployVerticle(OpsVerticle.forWorkerNode(config.http().host(), port, workerLoad))
        .onSuccess(id -> httpDeployment = id)
        .mapEmpty();
  }

  private String describe() {
    StringBuilder text = new StringBuilder();
    if (config.role().runsHttp()) {
      text.append("serving on ").append(config.http().tls() ? "https://" : "http://").append(config.http().host()).append(':').append(httpPort()).append(' ');
      if (management != null) {
        text.append("(metrics and health on port ").append(managementPort()).append(") ");
      }
    } else {
      text.append("metrics and health on port ").append(config.http().port()).append(", ");
    }
    if (config.role().runsWorkers()) {
      text.append("calling ").append(String.join(", ", config.openai().upstreams().stream()
          .map(upstream -> upstream.name() + " at " + upstream.baseUrl() + " (model " + upstream.model() + ", weight "
              + upstream.weight() + ")").toList()));
    }
    return text.toString().trim();
  }

  /** The port the HTTP front listens on. */
  public int httpPort() {
    return httpVerticles.get(0).actualPort();
  }

  /** The port of the operators' endpoints when they have one of their own, else -1. */
  public int managementPort() {
    return management == null ? -1 : management.actualPort();
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
    return undeploy(workerDeployment);
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  /** Streams this node still serves, at its front and in its workers. */
  private int inFlight() {
    return front.limiter().active() + workerLoad.streams();
  }

  public StreamLimiter limiter() {
    return front.limiter();
  }

  /** Campaign streams on this node's front that callers can still join (done ones leave at once). */
  public int sharedStreams() {
    return front.shared().inFlight();
  }

  /**
   * Graceful shutdown: readiness turns false and new streams are refused at once; streams in
   * flight may finish for up to the drain time; those still open then get the error marker
   * (the HTTP verticles end them as they stop). The caller closes Vert.x afterwards, from its own
   * thread: a future made on an event loop that is closing would never report back.
   */
  public Future<Void> shutdown() {
    front.lifecycle().startDraining();
    long drainMs = config.http().drainTimeoutMs();
    LOG.info("Draining: {} streams in flight, up to {} ms", inFlight(), drainMs);
    Promise<Void> drained = Promise.promise();
    awaitDrained(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs), drained);
    return drained.future()
        .onSuccess(v -> LOG.info("Drained; ending {} streams still open", inFlight()))
        .compose(v -> undeploy(httpDeployment))
        .compose(v -> undeploy(workerDeployment));
  }

  /**
   * Checks every 50 ms, with a timer per check rather than a periodic one cancelled from its own
   * handler: called from the shutdown thread, a periodic timer with no initial delay could fire
   * before Vert.x 5.0.7 had recorded it, and cancelling it then threw and left the drain hanging
   * until the process was killed.
   */
  private void awaitDrained(long deadlineNanos, Promise<Void> drained) {
    if (inFlight() == 0 || System.nanoTime() > deadlineNanos) {
      drained.complete();
    } else {
      vertx.setTimer(50, id -> awaitDrained(deadlineNanos, drained));
    }
  }

  public AppConfig config() {
    return config;
  }
}
