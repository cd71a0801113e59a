package dev.campaignstream.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * {@code proxy}: a reference point for scenario 1, not a product. The least a Vert.x front can do
 * for a stream: one HTTP server and one HTTP client on the same event loop, the caller's request
 * forwarded as it is and the upstream's answer piped back byte for byte: no parsing, no event bus,
 * no validation, no metrics. Whatever share of the direct throughput this reaches on a machine is
 * the ceiling for any service that sits between a caller and the upstream there.
 */
final class PassThroughProxy {

  private PassThroughProxy() {
  }

  /** One server and one client per event loop, so that a stream never changes thread. */
  private static final class ProxyVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final int upstreamPort;
    private HttpClient client;

    ProxyVerticle(String host, int port, int upstreamPort) {
      this.host = host;
      this.port = port;
      this.upstreamPort = upstreamPort;
    }

    @Override
    public Future<?> start() {
      client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(20_000));
      return vertx.createHttpServer().requestHandler(this::forward).listen(port, host);
    }

    private void forward(HttpServerRequest caller) {
      caller.pause();
      HttpServerResponse out = caller.response();
      RequestOptions options = new RequestOptions().setMethod(caller.method()).setHost(host)
          .setPort(upstreamPort).setURI(caller.uri());
      client.request(options)
          .compose(upstream -> {
            copy(caller, upstream);
            return upstream.send(caller);
          })
          .onSuccess(answer -> relay(answer, out))
          .onFailure(failure -> {
            if (!out.headWritten()) {
              out.setStatusCode(502).end();
            } else {
              out.reset();
            }
          });
    }

    private static void copy(HttpServerRequest caller, HttpClientRequest upstream) {
      String type = caller.getHeader(HttpHeaders.CONTENT_TYPE);
      if (type != null) {
        upstream.putHeader(HttpHeaders.CONTENT_TYPE, type);
      }
      String accept = caller.getHeader(HttpHeaders.ACCEPT);
      if (accept != null) {
        upstream.putHeader(HttpHeaders.ACCEPT, accept);
      }
    }

    private static void relay(HttpClientResponse answer, HttpServerResponse out) {
      out.setStatusCode(answer.statusCode()).setChunked(true);
      String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
      if (type != null) {
        out.putHeader(HttpHeaders.CONTENT_TYPE, type);
      }
      // A caller who leaves resets the upstream call, as the service does.
      out.closeHandler(v -> answer.request().reset());
      answer.pipeTo(out);
    }
  }

  static int run(Args args) throws Exception {
    RelayOptions options = RelayOptions.from(args);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(options.loops()).setPreferNativeTransport(true)).build();
    vertx.deployVerticle(() -> new ProxyVerticle(options.host(), options.port(), options.upstreamPort()),
            new DeploymentOptions().setInstances(options.loops()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return options.serveUntilKilled("proxy: " + options.loops() + " event loop(s), upstream port " + options.upstreamPort());
  }
}
