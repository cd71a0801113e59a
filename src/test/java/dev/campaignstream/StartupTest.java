package dev.campaignstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.JarProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Main} in a JVM of its own, as an operator starts it: without a key it refuses
 * to start with one line saying what to do; with {@code --demo} it serves without a key; a wrong
 * setting stops it with one line naming the setting.
 */
class StartupTest {

  private static final long EXIT_WITHIN_SECONDS = 20;
  private static final String USAGE =
      "Usage: java -jar campaign-stream.jar [--demo] [--cluster] [--role all|http|worker] [--conf path/to/config.yaml]";

  @TempDir
  Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void withoutKeyItExitsWithOneLineNamingTheKeyAndDemo() throws Exception {
    Run run = launch(Map.of("HTTP_PORT", "0"));
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS))
        .as("exited within %d s; stdout: %s stderr: %s", EXIT_WITHIN_SECONDS, run.stdout(), run.stderr())
        .isTrue();
    assertThat(run.process.exitValue()).as(run.stderr()).isEqualTo(2);
    List<String> keyLines = run.stderr().lines().filter(line -> line.contains("OPENAI_API_KEY")).toList();
    assertThat(keyLines).as(run.stderr()).hasSize(1);
    assertThat(keyLines.get(0)).isEqualTo("OPENAI_API_KEY is not set: export OPENAI_API_KEY=<your key>, "
        + "or run with --demo (or DEMO_MODE=true) to use the built-in simulator without a key");
    assertThat(keyLines.get(0)).contains("--demo");
    assertNoStackTrace(run.stdout());
    assertNoStackTrace(run.stderr());
  }

  @Test
  void withDemoItServesWithoutKey() throws Exception {
    int port = freePort();
    Run run = launch(Map.of("HTTP_PORT", Integer.toString(port), "HTTP_HOST", "127.0.0.1"), "--demo");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest echo = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo?input_value=hi"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXIT_WITHIN_SECONDS);
    HttpResponse<String> answer = null;
    while (answer == null) {
      assertThat(run.process.isAlive()).as("still running; stdout: %s stderr: %s", run.stdout(), run.stderr())
          .isTrue();
      assertThat(System.nanoTime()).as("up within %d s; stdout: %s stderr: %s", EXIT_WITHIN_SECONDS, run.stdout(),
          run.stderr()).isLessThan(deadline);
      try {
        answer = client.send(echo, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (ConnectException notYet) {
        Thread.sleep(100);
      }
    }
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("\"hi\"");
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    String output = run.stdout() + run.stderr();
    assertThat(output.lines().filter(line -> line.contains("DEMO MODE")).toList())
        .as(output).singleElement().asString().contains("WARN", "built-in OpenAI simulator");
    assertNoStackTrace(output);
    // SIGTERM and the exit status are GracefulShutdownIT's, on the packaged jar.
  }

  /** A real OpenAI key and nobody said who may spend it: one line naming both ways out. */
  @Test
  void withAKeyButNoCallerKeysItRefusesToStartOpen() throws Exception {
    Run run = launch(Map.of("HTTP_PORT", "0", "OPENAI_API_KEY", "sk-real-looking-0123456789"));
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).as(run.stdout() + run.stderr()).isTrue();
    assertThat(run.process.exitValue()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr().lines().toList()).as(run.stderr()).containsExactly(CampaignService.OPEN_REFUSAL);
    assertThat(CampaignService.OPEN_REFUSAL).contains("CALLER_KEYS_FILE").contains("CALLER_AUTH=none");
    assertThat(run.stdout() + run.stderr()).doesNotContain("sk-real");
    assertNoStackTrace(run.stdout() + run.stderr());
  }

  @Test
  void aBrokenKeysFileStopsItNamingTheLine() throws Exception {
    Path keys = dir.resolve("keys.yaml");
    Files.writeString(keys, "keys:\n  - name: acme-web\n    sha256: cs_the-key-pasted-by-mistake\n");
    Run run = launch(Map.of("HTTP_PORT", "0", "OPENAI_API_KEY", "sk-real-looking-0123456789",
        "CALLER_KEYS_FILE", keys.toString()));
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr().lines().toList()).as(run.stderr()).containsExactly("Cannot read the caller keys file " + keys
        + ": line 3: sha256 must be 64 lower-case hex digits, the SHA-256 of the key (never the key itself)");
    assertNoStackTrace(run.stdout() + run.stderr());
  }

  @Test
  void keysNewPrintsAKeyOnceAndItsEntry() throws Exception {
    Run run = launch(Map.of(), "keys", "new", "acme-web");
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).as(run.stderr()).isZero();
    String out = run.stdout();
    java.util.regex.Matcher key = java.util.regex.Pattern.compile("(?m)^(cs_[A-Za-z0-9_-]{43})$").matcher(out);
    assertThat(key.find()).as(out).isTrue();
    String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(key.group(1).getBytes(StandardCharsets.US_ASCII)));
    assertThat(out).contains("  - name: acme-web\n    sha256: " + hash + "\n");
    // The entry printed is one the keys file takes, and it declares that key.
    String entry = out.substring(out.indexOf("  - name: acme-web"));
    assertThat(dev.campaignstream.keys.KeysFile.parse(("keys:\n" + entry).getBytes(StandardCharsets.UTF_8))
        .find(dev.campaignstream.keys.KeyVerifier.hash(key.group(1))).name()).isEqualTo("acme-web");
    Run again = launch(Map.of(), "keys", "new", "acme-web");
    assertThat(again.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(again.stdout()).as("a fresh key each time").doesNotContain(key.group(1));
    Run badName = launch(Map.of(), "keys", "new", "Acme Web");
    assertThat(badName.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(badName.process.exitValue()).isEqualTo(2);
    assertThat(badName.stderr()).contains("[a-z0-9-]{1,40}");
  }

  @Test
  void unknownArgumentExitsTwoWithUsage() throws Exception {
    Run run = launch(Map.of("HTTP_PORT", "0"), "--bogus");
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).isEqualTo(2);
    List<String> usage = run.stderr().lines().filter(line -> line.contains("Usage:")).toList();
    assertThat(usage).containsExactly("unknown argument --bogus. " + USAGE);
    assertNoStackTrace(run.stdout() + run.stderr());
  }

  @Test
  void confWithoutPathExitsTwoWithUsage() throws Exception {
    Run run = launch(Map.of("HTTP_PORT", "0"), "--demo", "--conf");
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).isEqualTo(2);
    List<String> usage = run.stderr().lines().filter(line -> line.contains("Usage:")).toList();
    assertThat(usage).containsExactly("--conf needs a path. " + USAGE);
  }

  @Test
  void wrongSettingsExitTwoWithOneLineNamingEach() throws Exception {
    Run run = launch(Map.of("HTTP_PORT", "0", "STREAM_CREDIT_WINDOW", "0", "CACHE_ENABLED", "1"), "--demo");
    assertThat(run.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(run.process.exitValue()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr().lines().filter(line -> line.contains("Configuration")).toList()).as(run.stderr())
        .containsExactly("Cannot read the configuration conf/config.yaml: "
            + "Configuration stream.creditWindow (STREAM_CREDIT_WINDOW) must be at least 1, got 0; "
            + "Configuration cache.enabled (CACHE_ENABLED) must be true or false, got '1'");
    assertNoStackTrace(run.stdout() + run.stderr());
  }

  // ------------------------------------------------------------------ helpers

  private Run launch(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        JarProcess.jdkTool("java"),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("OPENAI_API_KEY");
    builder.environment().remove("DEMO_MODE");
    builder.environment().remove("LOG_FORMAT");
    builder.environment().putAll(environment);
    int n = started.size();
    Path stdout = dir.resolve("stdout-" + n + ".txt");
    Path stderr = dir.resolve("stderr-" + n + ".txt");
    builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Process process = builder.start();
    started.add(process);
    return new Run(process, stdout, stderr);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void assertNoStackTrace(String output) {
    assertThat(output).as(output).doesNotContain("\tat ", "Exception", "Caused by:");
  }

  private record Run(Process process, Path stdoutFile, Path stderrFile) {

    String stdout() throws IOException {
      return Files.readString(stdoutFile, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(stderrFile, StandardCharsets.UTF_8);
    }
  }
}
