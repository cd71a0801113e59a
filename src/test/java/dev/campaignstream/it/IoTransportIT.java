package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** The jar on each I/O transport it offers: it says which one runs, and streams a campaign on it. */
@ExtendWith(VertxExtension.class)
class IoTransportIT {

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "io_uring", "nio"})
  void eachTransportRunsAndSaysSo(String transport, Vertx vertx) throws Exception {
    try (JarProcess jar = JarProcess.start(Map.of("IO_TRANSPORT", transport, "DEMO_MODE", "true",
        "HTTP_HOST", "127.0.0.1"))) {
      Caller caller = new Caller(vertx, jar.port);
      GracefulShutdownIT.waitUntilReady(vertx, caller).await(60, TimeUnit.SECONDS);
      CallerResponse answer = caller.get("/campaign?prompt=Acme", "text/plain").await(30, TimeUnit.SECONDS);
      assertThat(answer.status).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).contains("Acme");
      if (transport.equals("io_uring") && !Transport.IO_URING.available()) {
        // A kernel or sandbox that refuses io_uring: the jar says so and runs on epoll.
        assertThat(jar.output()).as(jar.output()).contains("IO_TRANSPORT=io_uring cannot run here", "using epoll");
      } else {
        assertThat(jar.output()).as(jar.output()).contains("I/O transport: " + transport)
            .doesNotContain("cannot run here");
      }
    }
  }
}
