package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.support.RawHttp;
import dev.campaignstream.support.RawHttp.Answer;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Whatever methods, paths, headers and queries callers invent, {@code /metrics} keeps its size. */
@ExtendWith(VertxExtension.class)
class MetricsCardinalityTest {

  private Vertx vertx;
  private int port;

  @BeforeEach
  void start(VertxTestContext testContext) {
    vertx = MetricsSetup.vertx();
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      port = started.service.httpPort();
      testContext.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  /** A made-up method never reaches the router, and neither it nor the path makes a series. */
  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void madeUpMethodsAndPathsGet501AndAddNoSeries(VertxTestContext testContext) throws Exception {
    RawHttp.send(port, "FOO0 /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
    int before = series();
    testContext.verify(() -> assertThat(before).as("series before").isPositive());
    int sent = 0;
    for (int batch = 0; batch < 10; batch++) {
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 300; i++, sent++) {
        requests.append("M").append(sent).append("X /made/up/").append(sent).append("?q=").append(sent)
            .append(" HTTP/1.1\r\nHost: x\r\nX-Made-Up-").append(sent).append(": v\r\n\r\n");
      }
      requests.append("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      Answer answer = RawHttp.send(port, requests.toString(), 10_000);
      int refused = answer.text().split("HTTP/1.1 501 ", -1).length - 1;
      testContext.verify(() -> assertThat(refused).as("501 answers in batch").isEqualTo(300));
    }
    int after = series();
    int total = sent;
    testContext.verify(() -> {
      assertThat(total).isEqualTo(3000);
      // The health checks and scrapes in between may add a status or two, never one per method.
      assertThat(after - before).isLessThan(20);
    });
    testContext.completeNow();
  }

  private int series() throws Exception {
    Answer metrics = RawHttp.send(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
    assertThat(metrics.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    String body = metrics.text().substring(metrics.text().indexOf("\r\n\r\n") + 4);
    return (int) body.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
  }
}
