package dev.campaignstream.it;

import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.support.JarProcess;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as a real process, writing its campaigns with the simulator, which runs in the
 * test's JVM so that tests can script OpenAI's answers and see what it saw (aborts included).
 */
final class ServiceUnderBrowser implements AutoCloseable {

  final Vertx vertx;
  final OpenAiSimulator upstream;
  final JarProcess jar;

  private ServiceUnderBrowser(Vertx vertx, OpenAiSimulator upstream, JarProcess jar) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.jar = jar;
  }

  static ServiceUnderBrowser start(Map<String, String> env) throws Exception {
    Vertx vertx = Vertx.vertx();
    OpenAiSimulator upstream = OpenAiSimulator.start(vertx, SimulatorOptions.forTests())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Map<String, String> all = new HashMap<>(Map.of(
        "HTTP_HOST", "127.0.0.1",
        "OPENAI_BASE_URL", upstream.baseUrl(),
        "OPENAI_API_KEY", TestService.API_KEY,
        "OPENAI_RETRY_MAX_ATTEMPTS", "1",
        "HTTP_INSTANCES", "1",
        "WORKER_INSTANCES", "1",
        "CALLER_AUTH", "none"));
    all.putAll(env);
    ServiceUnderBrowser service = new ServiceUnderBrowser(vertx, upstream, JarProcess.start(all));
    service.awaitReady();
    return service;
  }

  /** {@code http://127.0.0.1:<port>} followed by {@code path}. */
  String url(String path) {
    return "http://127.0.0.1:" + jar.port + path;
  }

  private void awaitReady() throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(URI.create(url("/health/ready")))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("The service did not become ready:\n" + jar.output());
  }

  @Override
  public void close() throws Exception {
    jar.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
