package dev.campaignstream.front;

import dev.campaignstream.front.edge.ConnectionCap;
import dev.campaignstream.front.edge.ConnectionGuard;
import dev.campaignstream.front.edge.CrossOrigin;
import dev.campaignstream.front.edge.HeadRequest;
import dev.campaignstream.front.edge.MethodPolicy;
import dev.campaignstream.front.edge.RequestGate;
import dev.campaignstream.front.edge.TlsFiles;
import dev.campaignstream.front.sink.CampaignSink;
import dev.campaignstream.keys.KeyVerifier;
import dev.campaignstream.front.sink.Representation;
import dev.campaignstream.keys.CallerKey;
import dev.campaignstream.sharing.CampaignRequest;
import dev.campaignstream.sharing.WorkerLinks;

import dev.campaignstream.config.HttpSettings;
import dev.campaignstream.config.StreamSettings;
import dev.campaignstream.ops.MetricsRoute;
import dev.campaignstream.protocol.FrameCodec;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: a router built from the OpenAPI contract, which validates every request,
 * and the campaign streams it hands over the event bus to the OpenAI workers.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final String REQUEST_ID = "X-Request-Id";
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final HttpSettings settings;
  private final StreamSettings streamSettings;
  private final FrontNode node;
  private final ConnectionCap connections;
  private final CrossOrigin crossOrigin;
  private Callers callers;
  private TlsFiles tls;
  private HttpServer server;

  public HttpVerticle(HttpSettings settings, StreamSettings streamSettings, FrontNode node,
      ConnectionCap connections) {
    this.settings = settings;
    this.streamSettings = streamSettings;
    this.node = node;
    this.connections = connections;
    this.crossOrigin = CrossOrigin.allowing(settings.corsAllowedOrigins());
  }

  @Override
  public Future<?> start() {
    FrameCodec.register(vertx.eventBus());
    WorkerLinks links = new WorkerLinks(vertx, streamSettings, node.shared(), node.metrics());
    callers = new Callers(vertx, node, links);
    tls = new TlsFiles(vertx, settings);
    return links.start()
        .compose(v -> OpenAPIContract.from(vertx, node.contract().forRouter()))
        .map(this::router)
        .compose(router -> {
          HttpServerOptions options = tls.apply(serverOptions());
          return vertx.createHttpServer(options)
              .connectionHandler(new ConnectionGuard(connections, options, settings.requestHeadTimeoutMs(),
                  settings.idleTimeoutMs()))
              .invalidRequestHandler(RequestGate.invalidRequests())
              .requestHandler(RequestGate.before(router, crossOrigin))
              .listen(settings.port(), settings.host());
        })
        .onSuccess(listening -> {
          server = listening;
          tls.watch(listening);
        });
  }

  /**
   * Streams still open get the error marker, then the server closes at once: keep-alive
   * connections would otherwise hold the undeploy for Vert.x's default grace period.
   */
  @Override
  public Future<?> stop() {
    return callers.stop().compose(v -> server == null ? Future.succeededFuture() : server.close());
  }

  /**
   * HTTP/1.1 only: cleartext HTTP/2 (prior knowledge and {@code Upgrade: h2c}) is off, see the
   * README's HTTP edge section for why. The service has no WebSocket: offering no WebSocket
   * compression keeps Vert.x from putting its extension handler in every connection's pipeline,
   * where every chunk written to a caller would pass through it.
   */
  private static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setTcpNoDelay(true).setHttp2ClearTextEnabled(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private Router router(OpenAPIContract openApi) {
    RouterBuilder builder = RouterBuilder.create(vertx, openApi);
    ApiContract contract = node.contract();
    builder.rootHandler(crossOrigin.handler());
    if (node.keys() != null) {
      // Before validation: a caller without a key learns nothing of the parameters' rules.
      CallerAuthentication authentication = new CallerAuthentication(new KeyVerifier(node.keys()::current),
          node.metrics());
      contract.securedOperations().forEach(operation -> builder.getRoute(operation).addHandler(authentication));
    }
    ContractValidation.install(vertx, openApi, builder);
    builder.rootHandler(HttpVerticle::requestId);
    builder.getRoute("page").addHandler(CampaignPage.handler());
    builder.getRoute("echo").addHandler(HttpVerticle::echo);
    builder.getRoute("campaign").addHandler(this::campaign);
    builder.getRoute("contractYaml").addHandler(rc -> rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8").end(contract.yaml()));
    builder.getRoute("contractJson").addHandler(rc -> rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(contract.json().encode()));
    if (node.separateManagement()) {
      // Served on the management port; here they are no resource, as any unknown path.
      List.of("liveness", "readiness", "metrics").forEach(operation -> builder.getRoute(operation).addHandler(rc -> rc.fail(404)));
    } else {
      builder.getRoute("liveness").addHandler(HealthRoutes.liveness(vertx));
      builder.getRoute("readiness").addHandler(HealthRoutes.readiness(vertx, node.lifecycle(), node.workers()));
      builder.getRoute("metrics").addHandler(MetricsRoute.create(vertx));
    }
    requireHandlers(builder.getRoutes());
    Router router = builder.createRouter();
    ApiDocs.mount(router);
    ErrorResponses.install(router);
    return router;
  }

  /** The contract is the source of truth: an operation it names that nothing serves is a bug. */
  static void requireHandlers(List<OpenAPIRoute> routes) {
    List<String> missing = routes.stream()
        .filter(route -> route.getHandlers().stream()
            .allMatch(handler -> handler instanceof ContractValidation || handler instanceof CallerAuthentication))
        .map(route -> route.getOperation().getOperationId())
        .sorted()
        .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Operations in the contract without a handler: " + missing);
    }
  }

  private static void requestId(RoutingContext rc) {
    String given = rc.request().getHeader(REQUEST_ID);
    String id = given != null && SANE_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    rc.put(REQUEST_ID, id);
    rc.response().putHeader(REQUEST_ID, id);
    AccessRecord.start(rc, id);
    rc.next();
  }

  private static void echo(RoutingContext rc) {
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Json.encode(query(rc, "input_value")));
  }

  private void campaign(RoutingContext rc) {
    CallerKey key = rc.get(CallerKey.CONTEXT_KEY);
    AccessRecord.of(rc).span = node.tracing().caller();
    AccessRecord.of(rc).span.started(rc.get(REQUEST_ID), key == null ? null : key.name());
    if (node.lifecycle().draining()) {
      callers.refuse(rc.response(), AccessRecord.of(rc),
          new StreamError(503, "shutting_down", "This node is shutting down, try again", 1L),
          callers.usageOf(key, rc.get(REQUEST_ID)));
      return;
    }
    Representation representation = Representation.negotiate(rc.parsedHeaders().accept());
    if (representation == null) {
      Problem.of(406, "Cannot produce " + rc.request().getHeader(HttpHeaders.ACCEPT)
          + "; acceptable: " + Representation.acceptable()).send(rc.response());
      return;
    }
    if (HeadRequest.isHead(rc)) {
      // The head a GET would get, without starting a campaign nobody will read.
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, representation.mediaType()).end();
      return;
    }
    String prompt = query(rc, "prompt");
    AccessRecord access = AccessRecord.of(rc);
    access.representation = representation.mediaType();
    CampaignSink sink = CampaignSink.create(representation, rc.response(), prompt,
        rc.request().version() == HttpVersion.HTTP_1_0);
    CampaignRequest request = CampaignRequest.of(prompt, rc.get(REQUEST_ID), representation == Representation.EVENT_STREAM,
        header(rc, "Cache-Control"), header(rc, "Last-Event-ID"));
    callers.open(rc.response(), sink, request, access, key);
  }

  /** A query parameter as validated against the contract. */
  private static String query(RoutingContext rc, String name) {
    ValidatedRequest validated = rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    return validated.getQuery().get(name).getString();
  }

  /** An optional header parameter as validated against the contract, or null when not sent. */
  private static String header(RoutingContext rc, String name) {
    ValidatedRequest validated = rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    RequestParameter value = validated.getHeaders().get(name);
    return value == null || value.isNull() ? null : value.getString();
  }

  /** Every error the router produces, as a problem document. */
  static final class ErrorResponses {

    private ErrorResponses() {
    }

    static void install(Router router) {
      router.errorHandler(400, ErrorResponses::badRequest);
      router.errorHandler(404, rc -> Problem.of(404, "No resource at " + rc.request().path()).send(rc.response()));
      router.errorHandler(405, rc -> {
        rc.response().putHeader(HttpHeaders.ALLOW, MethodPolicy.ALLOW);
        Problem.of(405, "Method " + rc.request().method() + " is not allowed on " + rc.request().path())
            .send(rc.response());
      });
      router.errorHandler(500, rc -> {
        LOG.error("Unhandled failure on {} {}", rc.request().method(), rc.request().path(), rc.failure());
        Problem.of(500, "The service failed unexpectedly; the failure is logged").send(rc.response());
      });
    }

    private static void badRequest(RoutingContext rc) {
      Throwable failure = rc.failure();
      if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException validation) {
        ValidationProblems.from(validation).send(rc.response());
      } else {
        Problem.of(400, failure == null ? "Bad request" : failure.getMessage()).send(rc.response());
      }
    }
  }
}
