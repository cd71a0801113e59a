package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Scrape;
import dev.campaignstream.support.TestService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /metrics} after a few streams: the figures moved as they should. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  private Vertx vertx;
  private TestService app;

  @BeforeEach
  void start(VertxTestContext testContext) {
    vertx = MetricsSetup.vertx();
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      testContext.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  /** A scrape reads every gauge: that work must not hold up the event loop that serves streams. */
  @Test
  void theScrapeIsRenderedOffTheEventLoop(VertxTestContext testContext) {
    List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    Gauge.builder("campaign.test.probe", () -> {
      onEventLoop.add(Context.isOnEventLoopThread());
      return 1;
    }).register(MetricsSetup.registry(vertx));
    app.caller.get("/metrics", null).onComplete(testContext.succeeding(scrape -> testContext.verify(() -> {
      assertThat(scrape.status).isEqualTo(200);
      assertThat(scrape.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(value(scrape.body(), "campaign_test_probe")).isEqualTo(1.0);
      assertThat(onEventLoop).isNotEmpty().containsOnly(false);
      testContext.completeNow();
    })));
  }

  @Test
  void streamsAreCountedByOutcomeWithTokensChunksAndUpstreamStatuses(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas("One", " two", " three"),
        Behaviour.cutAfter(2).withDeltas("One", " two", " three"),
        Behaviour.rateLimitedSeconds(7));
    // Three brands: a second request for a completed one would be answered from the cache.
    app.caller.get("/campaign?prompt=Acme", "text/plain")
        .compose(completed -> app.caller.get("/campaign?prompt=Acme2", "text/event-stream"))
        .compose(cut -> app.caller.get("/campaign?prompt=Acme3", "application/json"))
        .compose(limited -> app.caller.get("/echo?input_value=" + TestService.API_KEY.substring(0, 20), null))
        .compose(echo -> app.caller.get("/metrics", null))
        .onComplete(testContext.succeeding(scrape -> testContext.verify(() -> {
          assertThat(scrape.status).isEqualTo(200);
          assertThat(scrape.header("Content-Type")).startsWith("text/plain");
          String text = scrape.body();
          assertThat(value(text, "campaign_stream_duration_seconds_count", "outcome=\"completed\"",
              "representation=\"text/plain\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_stream_duration_seconds_count", "outcome=\"failed\"",
              "representation=\"text/event-stream\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_stream_duration_seconds_count", "outcome=\"failed\"",
              "representation=\"application/json\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_chunks_total")).isEqualTo(5.0);
          assertThat(value(text, "campaign_tokens_total", "type=\"completion\"")).isEqualTo(3.0);
          assertThat(value(text, "campaign_tokens_total", "type=\"prompt\"")).isGreaterThan(0.0);
          assertThat(value(text, "campaign_upstream_responses_total", "status=\"200\"")).isEqualTo(2.0);
          assertThat(value(text, "campaign_upstream_responses_total", "status=\"429\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_upstream_failures_total", "kind=\"cut\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_upstream_failures_total", "kind=\"rate_limited\"")).isEqualTo(1.0);
          // What the callers got: the cut after text as the stream's error marker, the 429 as the status.
          assertThat(value(text, "campaign_caller_errors_total", "kind=\"cut\"", "status=\"502\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_caller_errors_total", "kind=\"rate_limited\"", "status=\"429\""))
              .isEqualTo(1.0);
          assertThat(value(text, "campaign_time_to_first_token_seconds_count", "seen_by=\"caller\"")).isEqualTo(2.0);
          assertThat(value(text, "campaign_time_to_first_token_seconds_count", "seen_by=\"upstream\"")).isEqualTo(2.0);
          assertThat(value(text, "campaign_streams_active", "side=\"http\"")).isEqualTo(0.0);
          assertThat(value(text, "campaign_streams_active", "side=\"worker\"")).isEqualTo(0.0);
          assertThat(value(text, "campaign_circuit_state")).isEqualTo(0.0);
          // Vert.x's own figures are there too, except the event bus's: a lookup per frame costs too much.
          assertThat(text).contains("vertx_http_server_requests_total").contains("vertx_http_client_requests_total")
              .contains("jvm_memory_used_bytes").doesNotContain("vertx_eventbus_").doesNotContain("remote=");
          // No brand, no path a caller invented, and never the key.
          assertThat(text).doesNotContain("Acme").doesNotContain(TestService.API_KEY.substring(0, 20));
          testContext.completeNow();
        })));
  }

  /**
   * Two nodes in one JVM (as in these tests, or an application embedding two) count apart, and one
   * closing leaves the other its figures: Vert.x shares one registry between instances that give
   * it the same name, and the first of them to close takes it from the others.
   */
  @Test
  void eachNodeOfOneJvmCountsInARegistryOfItsOwn(VertxTestContext testContext) throws Exception {
    Vertx other = MetricsSetup.vertx();
    TestService second = TestService.start(other).await(10, TimeUnit.SECONDS);
    second.caller.get("/campaign?prompt=Other", "text/plain").await(10, TimeUnit.SECONDS);
    other.close().await(10, TimeUnit.SECONDS);
    app.caller.get("/campaign?prompt=Acme", "text/plain")
        .compose(served -> app.caller.get("/metrics", null))
        .onComplete(testContext.succeeding(scrape -> testContext.verify(() -> {
          assertThat(scrape.status).isEqualTo(200);
          assertThat(value(scrape.body(), "campaign_stream_duration_seconds_count", "outcome=\"completed\"",
              "representation=\"text/plain\"")).isEqualTo(1.0);
          testContext.completeNow();
        })));
  }

  /** Errors the HTTP side decides on are counted by kind too: what a 503 was about is on the dashboard. */
  @Test
  void callerErrorsAreCountedByKindOnTheHttpSide(VertxTestContext testContext) {
    app.service.stopWorkers()
        .compose(v -> app.caller.get("/campaign?prompt=Acme", null))
        .compose(refused -> app.caller.get("/campaign?prompt=Acme", "text/event-stream"))
        .compose(refused -> app.caller.get("/metrics", null))
        .onComplete(testContext.succeeding(scrape -> testContext.verify(() -> {
          String text = scrape.body();
          assertThat(value(text, "campaign_caller_errors_total", "kind=\"no_worker\"", "status=\"503\""))
              .isEqualTo(2.0);
          assertThat(value(text, "campaign_stream_duration_seconds_count", "outcome=\"failed\"",
              "representation=\"text/event-stream\"")).isEqualTo(1.0);
          assertThat(text).doesNotContain("kind=\"cut\"");
          testContext.completeNow();
        })));
  }

  @Test
  void cacheResultsAreCountedPerCaller(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas("One", " two").withFirstTokenDelay(Duration.ofMillis(300)));
    Future<CallerResponse> first = app.caller.get("/campaign?prompt=Acme", "text/plain");
    Future<CallerResponse> joined = app.caller.get("/campaign?prompt=Acme", "text/event-stream");
    Future.all(first, joined)
        .compose(both -> app.caller.get("/campaign?prompt=Acme", "application/json"))
        .compose(hit -> app.caller.get("/campaign?prompt=Acme", "text/plain"))
        .compose(hit -> app.caller.get("/metrics", null))
        .onComplete(testContext.succeeding(scrape -> testContext.verify(() -> {
          String text = scrape.body();
          assertThat(value(text, "campaign_cache_total", "result=\"miss\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_cache_total", "result=\"shared\"")).isEqualTo(1.0);
          assertThat(value(text, "campaign_cache_total", "result=\"hit\"")).isEqualTo(2.0);
          assertThat(value(text, "campaign_upstream_responses_total", "status=\"200\"")).isEqualTo(1.0);
          // Every caller is a stream of its own in the figures, however it was served.
          assertThat(value(text, "campaign_stream_duration_seconds_count", "outcome=\"completed\"",
              "representation=\"text/plain\"")).isEqualTo(2.0);
          assertThat(value(text, "campaign_chunks_total")).isEqualTo(8.0);
          testContext.completeNow();
        })));
  }

  /** The value of the one sample of {@code name} whose labels include all of {@code labels}. */
  private static double value(String scrape, String name, String... labels) {
    return Scrape.value(scrape, name, labels);
  }

}
