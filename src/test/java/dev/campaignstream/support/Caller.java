package dev.campaignstream.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import java.util.Map;
import java.util.function.Consumer;

/** A real HTTP client, as a caller of the service would use it. */
public final class Caller {

  private final HttpClient client;
  private final int port;

  public Caller(Vertx vertx, int port) {
    this(vertx, new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public Caller(Vertx vertx, HttpClientOptions options) {
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1000));
    this.port = options.getDefaultPort();
  }

  /**
   * A caller whose socket fills quickly when it stops reading, as a slow mobile reader's does: a
   * small receive buffer, though not smaller than loopback's 64 KB segments. Below that, once the
   * reader resumes, TCP paces it by its persist timer (about 50 KB/s) and a long stream outlasts
   * the test.
   */
  public static Caller slowReader(Vertx vertx, int port) {
    return new Caller(vertx, new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setReceiveBufferSize(256 * 1024));
  }

  public int port() {
    return port;
  }

  /** GET with the query string written as given (already percent-encoded), collecting everything. */
  public Future<CallerResponse> get(String pathAndQuery, String accept) {
    return get(pathAndQuery, accept, response -> { });
  }

  /** Like {@link #get(String, String)}, handing over the live response first (to pause or close it). */
  public Future<CallerResponse> get(String pathAndQuery, String accept, Consumer<HttpClientResponse> onResponse) {
    return request(HttpMethod.GET, pathAndQuery, accept == null ? Map.of() : Map.of("Accept", accept), onResponse);
  }

  /** Like {@link #get(String, String)}, telling {@code onRead} of each read as it arrives. */
  public Future<CallerResponse> watch(String pathAndQuery, String accept, Consumer<Buffer> onRead) {
    return send(HttpMethod.GET, pathAndQuery, Map.of("Accept", accept), response -> { }, onRead);
  }

  public Future<CallerResponse> request(HttpMethod method, String pathAndQuery, Map<String, String> headers,
      Consumer<HttpClientResponse> onResponse) {
    return send(method, pathAndQuery, headers, onResponse, read -> { });
  }

  private Future<CallerResponse> send(HttpMethod method, String pathAndQuery, Map<String, String> headers,
      Consumer<HttpClientResponse> onResponse, Consumer<Buffer> onRead) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(pathAndQuery);
    headers.forEach(options::putHeader);
    // The response's handlers are set in the same event-loop turn that completes the send: a chain
    // continued from the test's thread could run after a short response has already ended.
    return client.request(options).compose(request -> request.send().compose(response -> {
      Promise<CallerResponse> done = Promise.promise();
      CallerResponse seen = new CallerResponse(response.statusCode(), response.headers());
      response.handler(read -> {
        seen.reads.add(read);
        seen.readNanos.add(System.nanoTime());
        onRead.accept(read);
      });
      response.endHandler(v -> {
        seen.endedNanos = System.nanoTime();
        seen.endedCleanly = true;
        done.tryComplete(seen);
      });
      response.exceptionHandler(failure -> {
        seen.endedNanos = System.nanoTime();
        seen.failure = failure;
        done.tryComplete(seen);
      });
      onResponse.accept(response);
      return done.future();
    }));
  }

  public Future<Void> close() {
    return client.close();
  }
}
