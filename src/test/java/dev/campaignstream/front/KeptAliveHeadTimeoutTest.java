package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.RawHttp;
import dev.campaignstream.support.RawHttp.Answer;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.vertx.junit5.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The head timeout holds for every request on a connection, not only its first: a kept-alive
 * connection that trickles its next head is answered 408 and closed long before the idle timeout.
 */
@ExtendWith(VertxExtension.class)
class KeptAliveHeadTimeoutTest {

  private static final long HEAD_TIMEOUT_MS = 600;
  private static final long IDLE_TIMEOUT_MS = 20_000;

  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(TestService.with(json,
            "http", "requestHeadTimeoutMs", HEAD_TIMEOUT_MS), "http", "idleTimeoutMs", IDLE_TIMEOUT_MS))
        .onComplete(testContext.succeeding(started -> {
          port = started.service.httpPort();
          testContext.completeNow();
        }));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aSlowSecondHeadIsCutByTheHeadTimeoutNotTheIdleOne(VertxTestContext testContext) throws Exception {
    Answer first;
    Answer second;
    long tookMs;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      first = RawHttp.read(socket, 500);
      long started = System.nanoTime();
      try {
        // One byte every tenth of the head timeout, never a whole head, until the server answers.
        for (byte b : "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz".getBytes(
            StandardCharsets.US_ASCII)) {
          if (socket.getInputStream().available() > 0) {
            break;
          }
          out.write(b);
          out.flush();
          Thread.sleep(HEAD_TIMEOUT_MS / 10);
        }
      } catch (SocketException closedWhileWriting) {
        // Closed in the middle of the head: what is wanted.
      }
      second = RawHttp.read(socket, 5 * HEAD_TIMEOUT_MS);
      tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
    testContext.verify(() -> {
      assertThat(first.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(first.closed()).isFalse();
      assertThat(second.statusLine()).startsWith("HTTP/1.1 408");
      assertThat(second.text()).contains("application/problem+json");
      assertThat(second.closed()).isTrue();
      assertThat(tookMs).as("closed by the head timeout, not the idle one").isLessThan(IDLE_TIMEOUT_MS / 2);
    });
    testContext.completeNow();
  }
}
