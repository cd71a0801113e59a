package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Browser;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pages on other origins (other ports on loopback) call the packaged jar with {@code fetch} in a real
 * Chromium: the origin in {@code CORS_ALLOWED_ORIGINS} gets through the preflight its headers need
 * and reads the service's headers; an origin not listed is kept from the answer by the browser.
 */
@Timeout(60)
class CrossOriginBrowserIT {

  private static final String FETCH = "const done = arguments[arguments.length - 1];"
      + "fetch(arguments[0], {headers: arguments[1]}).then(async r => done({status: r.status,"
      + " cache: r.headers.get('X-Campaign-Cache'), requestId: r.headers.get('X-Request-Id'),"
      + " body: await r.text()}), e => done({error: String(e)}));";

  private static ServiceUnderBrowser service;
  private static HttpServer allowedSite;
  private static HttpServer otherSite;
  private Browser browser;

  @BeforeAll
  static void start() throws Exception {
    int allowedPort = JarProcess.freePort();
    service = ServiceUnderBrowser.start(Map.of("CORS_ALLOWED_ORIGINS", "http://127.0.0.1:" + allowedPort));
    allowedSite = site(allowedPort);
    otherSite = site(0);
  }

  /** A page of another origin, with nothing on it: the test's script does the calling. */
  private static HttpServer site(int port) throws Exception {
    return service.vertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .end("<!doctype html><html lang=\"en\"><title>Another site</title><main>Another site</main></html>"))
        .listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = Browser.open(1000, 800);
    service.upstream.reset();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theAllowedOriginStreamsResumesAndReadsTheServiceHeaders() {
    service.upstream.enqueue(Behaviour.stream().withDeltas("One", " two", " three"));
    browser.driver.get("http://127.0.0.1:" + allowedSite.actualPort() + "/");
    // Authorization, Cache-Control and X-Request-Id are not safelisted: the browser preflights them.
    Map<String, Object> first = call("/campaign?prompt=Cross", Map.of("Accept", "text/event-stream",
        "Authorization", "Bearer not-checked-here", "Cache-Control", "no-cache", "X-Request-Id", "cross-origin-1"));
    assertThat(first).containsEntry("status", 200L).containsEntry("cache", "miss")
        .containsEntry("requestId", "cross-origin-1");
    assertThat((String) first.get("body")).startsWith("id: 1\ndata: {\"text\":\"One\"}").contains("event: done");

    Map<String, Object> resumed = call("/campaign?prompt=Cross",
        Map.of("Accept", "text/event-stream", "Last-Event-ID", "2"));
    assertThat(resumed).containsEntry("status", 200L).containsEntry("cache", "hit");
    assertThat((String) resumed.get("body")).startsWith("id: 3\ndata: {\"text\":\" three\"}");

    Map<String, Object> refused = call("/campaign?prompt=" + "x".repeat(21), Map.of("Accept", "text/event-stream"));
    assertThat(refused).containsEntry("status", 400L);
    assertThat((String) refused.get("body")).contains("\"detail\":\"Query parameter 'prompt' is too long");
    assertThat(service.upstream.startedStreams()).isEqualTo(1);
  }

  @Test
  void anOriginNotListedIsBlockedByTheBrowser() {
    browser.driver.get("http://127.0.0.1:" + otherSite.actualPort() + "/");
    Map<String, Object> preflighted = call("/campaign?prompt=Blocked",
        Map.of("Accept", "text/event-stream", "Authorization", "Bearer x"));
    Map<String, Object> simple = call("/echo?input_value=hello", Map.of());
    for (Map<String, Object> blocked : List.of(preflighted, simple)) {
      assertThat(blocked).containsOnlyKeys("error");
      assertThat((String) blocked.get("error")).startsWith("TypeError");
    }
    // The preflight was refused, so the campaign was never asked for.
    assertThat(service.upstream.requests()).isEmpty();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> call(String path, Map<String, String> headers) {
    return (Map<String, Object>) browser.asyncScript(FETCH, service.url(path), headers);
  }
}
