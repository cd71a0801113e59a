package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from PEM files, and a renewed certificate served to new connections without cutting open streams. */
@ExtendWith(VertxExtension.class)
class TlsTest {

  @TempDir
  Path dir;

  private TestService app;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) throws Exception {
    install(SelfSignedCertificate.create("localhost"));
    TestService.start(vertx, json -> TestService.with(TestService.with(TestService.with(json,
            "http", "tlsCertFile", dir.resolve("tls.crt").toString()),
            "http", "tlsKeyFile", dir.resolve("tls.key").toString()),
            "http", "tlsReloadCheckMs", 100))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          // A real TLS client; trusting any certificate, since it compares them itself.
          client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
              .setDefaultHost("127.0.0.1").setDefaultPort(started.service.httpPort())
              .setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(false));
          testContext.completeNow();
        }));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aRenewedCertificateReachesNewConnectionsWithoutCuttingAStream(Vertx vertx, VertxTestContext testContext)
      throws Exception {
    List<Certificate> first = peerCertificates().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    app.upstream.enqueue(Behaviour.stream().withDeltas("One", " two", " three").withChunks(3)
        .withChunkInterval(Duration.ofMillis(400)));
    AtomicReference<String> streamed = new AtomicReference<>();
    Future<String> stream = client.request(HttpMethod.GET, "/campaign?prompt=Acme")
        .compose(request -> request.putHeader("Accept", "text/plain").send())
        .compose(response -> response.body().map(Buffer::toString))
        .onSuccess(streamed::set);
    install(SelfSignedCertificate.create("localhost"));
    renewed(vertx, first)
        .compose(served -> stream)
        .onComplete(testContext.succeeding(body -> testContext.verify(() -> {
          assertThat(first).isNotEmpty();
          assertThat(body).isEqualTo("One two three");
          testContext.completeNow();
        })));
  }

  /** Succeeds once a new connection is served a certificate other than {@code old}. */
  private Future<Void> renewed(Vertx vertx, List<Certificate> old) {
    return peerCertificates().compose(now -> {
      if (!now.equals(old)) {
        return Future.succeededFuture();
      }
      return Future.<Void>future(wait -> vertx.setTimer(100, t -> wait.complete())).compose(v -> renewed(vertx, old));
    });
  }

  private Future<List<Certificate>> peerCertificates() {
    return client.request(HttpMethod.GET, "/health/live")
        .compose(request -> request.send().compose(response -> {
          try {
            List<Certificate> certificates = request.connection().peerCertificates();
            return response.body().map(body -> {
              assertThat(response.statusCode()).isEqualTo(200);
              return certificates;
            });
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        }));
  }

  /** As a secret volume is updated: each file replaced in one rename. */
  private void install(SelfSignedCertificate certificate) throws Exception {
    Files.copy(Path.of(certificate.privateKeyPath()), dir.resolve("tls.key.new"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(certificate.certificatePath()), dir.resolve("tls.crt.new"), StandardCopyOption.REPLACE_EXISTING);
    Files.move(dir.resolve("tls.key.new"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files.move(dir.resolve("tls.crt.new"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
