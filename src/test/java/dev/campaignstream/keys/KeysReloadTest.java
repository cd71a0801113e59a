package dev.campaignstream.keys;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The keys file is re-read while the service runs: a key added, disabled or rotated is in force for
 * the next requests, a stream in flight under the old file goes on to its end, and a file that is
 * not valid keeps the keys in force and says why; at start, such a file stops the service.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class KeysReloadTest {

  private static final String ACME = "cs_acme-first-key-0123456789abcdefghijklmnop";
  private static final String ACME_ROTATED = "cs_acme-rotated-key-0123456789abcdefghijkl";
  private static final String BATCH = "cs_batch-key-0123456789abcdefghijklmnopqrst";

  @TempDir
  Path dir;

  private final Logger watch = (Logger) LoggerFactory.getLogger(KeysFileWatch.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void capture() {
    lines.start();
    watch.addAppender(lines);
  }

  @AfterEach
  void release() {
    watch.detachAppender(lines);
  }

  @Test
  void addDisableAndRotateMidStream(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path file = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry("acme-web", ACME));
    List<String> steps = Collections.synchronizedList(new ArrayList<>());
    TestService.start(vertx, json -> KeysFiles.withKeys(json, file)).compose(app -> {
      List<String> deltas = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        deltas.add("piece " + i + ". ");
      }
      app.upstream.enqueue(Behaviour.stream().withDeltas(deltas).withChunkInterval(Duration.ofMillis(100)));
      Future<CallerResponse> inFlight = app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme",
          Map.of("Authorization", "Bearer " + ACME), response -> { });
      return Eventually.await(vertx, "streaming", 5_000, () -> app.upstream.requests().size() == 1)
          .compose(v -> {
            // Disable the key of the stream in flight and add another.
            write(file, KeysFiles.entry("acme-web", ACME, "disabled: true"), KeysFiles.entry("batch", BATCH));
            return until(vertx, app, BATCH, 200);
          })
          .compose(v -> status(app, ACME)).map(status -> steps.add("disabled " + status))
          .compose(v -> {
            // Rotate: the same name, a new key; the old one is unknown from now on.
            write(file, KeysFiles.entry("acme-web", ACME_ROTATED), KeysFiles.entry("batch", BATCH));
            return until(vertx, app, ACME_ROTATED, 200);
          })
          .compose(v -> status(app, ACME)).map(status -> steps.add("old key " + status))
          .compose(v -> status(app, BATCH)).map(status -> steps.add("batch " + status))
          .compose(v -> {
            steps.add("stream still open " + !inFlight.isComplete());
            return inFlight;
          });
    }).onComplete(testContext.succeeding(stream -> testContext.verify(() -> {
      assertThat(steps).containsExactly("disabled 403", "old key 401", "batch 200", "stream still open true");
      assertThat(stream.status).isEqualTo(200);
      assertThat(stream.endedCleanly).isTrue();
      assertThat(stream.body()).startsWith("piece 0. ").endsWith("piece 29. ");
      testContext.completeNow();
    })));
  }

  @Test
  void aBrokenFileKeepsTheKeysInForceAndSaysWhichLine(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path file = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry("acme-web", ACME));
    String pasted = "cs_pasted-in-place-of-its-hash-0123456789abc";
    TestService.start(vertx, json -> KeysFiles.withKeys(json, file)).compose(app -> {
      write(file, KeysFiles.entry("acme-web", ACME) + "  - name: batch\n    sha256: " + pasted + "\n");
      return Eventually.await(vertx, "the refusal logged", 5_000, () -> warnings().size() == 1)
          .compose(v -> status(app, ACME))
          .compose(acme -> {
            // Gone altogether: still the keys read before.
            try {
              Files.delete(file);
            } catch (java.io.IOException e) {
              return Future.failedFuture(e);
            }
            return Eventually.await(vertx, "the missing file logged", 5_000, () -> warnings().size() == 2)
                .compose(v -> status(app, ACME)).map(after -> List.of(acme, after));
          });
    }).onComplete(testContext.succeeding(statuses -> testContext.verify(() -> {
      assertThat(statuses).containsExactly(200, 200);
      assertThat(warnings().get(0)).contains("keys.yaml changed but is not valid, so the 1 keys read before stay in force")
          .contains("line 5: sha256 must be 64 lower-case hex digits").doesNotContain(pasted);
      assertThat(warnings().get(1)).contains("Cannot read the caller keys file").contains("stay in force");
      testContext.completeNow();
    })));
  }

  @Test
  void aBrokenFileAtStartStopsTheServiceNamingTheLine(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(file, "keys:\n  - name: Acme Web\n    sha256: nothex\n");
    TestService.start(vertx, json -> KeysFiles.withKeys(json, file)).onComplete(testContext.failing(failure ->
        testContext.verify(() -> {
          assertThat(failure.getMessage()).contains("keys.yaml is not valid")
              .contains("line 2: name must match [a-z0-9-]{1,40}")
              .contains("line 3: sha256 must be 64 lower-case hex digits")
              .doesNotContain("nothex");
          testContext.completeNow();
        })));
  }

  private List<String> warnings() {
    return lines.list.stream().filter(line -> line.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static void write(Path file, String... entries) {
    try {
      KeysFiles.write(file, entries);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Future<Integer> status(TestService app, String key) {
    return app.caller.request(HttpMethod.GET, "/echo?input_value=hi", Map.of("Authorization", "Bearer " + key),
        response -> { }).map(seen -> seen.status);
  }

  /** Asks every 20 ms until the key gets {@code expected}: the reload is in force. */
  private static Future<Void> until(Vertx vertx, TestService app, String key, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Promise<Void> done = Promise.promise();
    poll(vertx, app, key, expected, deadline, done);
    return done.future();
  }

  private static void poll(Vertx vertx, TestService app, String key, int expected, long deadline, Promise<Void> done) {
    status(app, key).onComplete(seen -> {
      if (seen.succeeded() && seen.result() == expected) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail("The key never got " + expected + ": " + (seen.succeeded() ? seen.result() : seen.cause()));
      } else {
        vertx.setTimer(20, id -> poll(vertx, app, key, expected, deadline, done));
      }
    });
  }
}
