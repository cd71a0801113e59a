package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original article's own client, its loop exactly as published, run as a real Python process
 * against the service: it prints the campaign while it is written, and what it printed is the
 * JSON document. Skipped where {@code python3} cannot import {@code requests};
 * {@link StreamedJsonTest} holds the same behaviour with a Java client everywhere.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class OriginalClientLoopTest {

  /** The article's loop, verbatim; only the URL comes from the command line. */
  private static final String ORIGINAL_CLIENT = """
      import sys
      import requests

      url = sys.argv[1]
      response = requests.get(url, headers={"accept": "application/json"}, stream=True)
      for chunk in response.iter_content(chunk_size=1024):
          if chunk:
              print(str(chunk, encoding="utf-8"), end="")
      """;

  private static final List<String> DELTAS = List.of("Campaign", ":", " Café", " “Acme”", " 🚀", " launch", "!");
  private static final Duration INTERVAL = Duration.ofMillis(200);

  @BeforeAll
  static void pythonWithRequests() throws InterruptedException {
    int status;
    try {
      status = new ProcessBuilder("python3", "-c", "import requests").redirectErrorStream(true).start().waitFor();
    } catch (IOException noPython) {
      status = -1;
    }
    Assumptions.assumeTrue(status == 0, "python3 with requests is not installed");
  }

  @Test
  void theOriginalsLoopPrintsTheCampaignWhileItIsWritten(Vertx vertx, VertxTestContext testContext,
      @TempDir Path dir) throws IOException {
    Path script = Files.writeString(dir.resolve("original_client.py"), ORIGINAL_CLIENT);
    TestService.start(vertx)
        .compose(app -> {
          app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(INTERVAL));
          String url = "http://127.0.0.1:" + app.caller.port() + "/campaign?prompt=Acme";
          // -u: the loop's print has no flush, and a pipe would otherwise hold all it printed until the end.
          return vertx.executeBlocking(() -> PrintedOutput.of(new ProcessBuilder("python3", "-u", script.toString(), url)));
        })
        .onComplete(testContext.succeeding(printed -> testContext.verify(() -> {
          assertThat(printed.exitStatus()).as(printed.errors()).isZero();
          assertThat(printed.first()).startsWith("{\"prompt\":\"Acme\",\"campaign\":\"Campaign")
              .doesNotContain("finish_reason");
          assertThat(printed.msFromFirstOutputToEnd()).isGreaterThanOrEqualTo(INTERVAL.toMillis() * (DELTAS.size() - 2));
          JsonObject document = new JsonObject(printed.all());
          assertThat(document.getString("prompt")).isEqualTo("Acme");
          assertThat(document.getString("campaign")).isEqualTo(String.join("", DELTAS));
          assertThat(document.getString("finish_reason")).isEqualTo("stop");
          testContext.completeNow();
        })));
  }

  /** What a process printed: its first output on its own, all of it, and how long it went on printing. */
  private record PrintedOutput(String first, String all, long msFromFirstOutputToEnd, int exitStatus, String errors) {

    static PrintedOutput of(ProcessBuilder command) throws IOException, InterruptedException {
      Process process = command.start();
      InputStream out = process.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] read = new byte[8192];
      int n = out.read(read);
      long firstAt = System.nanoTime();
      String first = n < 0 ? "" : new String(read, 0, n, StandardCharsets.UTF_8);
      while (n >= 0) {
        all.write(read, 0, n);
        n = out.read(read);
      }
      long endAt = System.nanoTime();
      int status = process.waitFor();
      String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      return new PrintedOutput(first, all.toString(StandardCharsets.UTF_8), (endAt - firstAt) / 1_000_000, status,
          errors);
    }
  }
}
