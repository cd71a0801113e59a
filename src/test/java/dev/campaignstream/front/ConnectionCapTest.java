package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.RawHttp;
import dev.campaignstream.support.RawHttp.Answer;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Past http.maxConnections a node refuses a connection at once, and takes one again when one closes. */
@ExtendWith(VertxExtension.class)
class ConnectionCapTest {

  private static final int CAP = 3;
  private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(json, "http", "maxConnections", CAP))
        .onComplete(testContext.succeeding(started -> {
          port = started.service.httpPort();
          testContext.completeNow();
        }));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void connectionsPastTheCapAreClosedAtOnce(VertxTestContext testContext) throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < CAP; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertThat(RawHttp.read(socket, 1000).statusLine()).isEqualTo("HTTP/1.1 200 OK");
        held.add(socket);
      }
      Answer refused = RawHttp.send(port, LIVE, 3000);
      held.remove(0).close();
      Answer afterOneClosed = retry(() -> RawHttp.send(port, LIVE, 3000));
      testContext.verify(() -> {
        assertThat(refused.closed()).isTrue();
        assertThat(refused.text()).isEmpty();
        assertThat(afterOneClosed.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      });
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    testContext.completeNow();
  }

  /** The server learns of a client's close a moment after it happens. */
  private static Answer retry(java.util.concurrent.Callable<Answer> call) throws Exception {
    Answer answer = call.call();
    for (int i = 0; i < 50 && answer.text().isEmpty(); i++) {
      Thread.sleep(100);
      answer = call.call();
    }
    return answer;
  }
}
