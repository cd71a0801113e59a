package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jar under the Dockerfile's JVM options ({@code JAVA_OPTS}), as the image and the benchmarks
 * run it: the JSON-schema validator that checks every request against the contract gets compiled.
 * Its one method is longer than HotSpot's limit for compiling a method; without
 * {@code -XX:-DontCompileHugeMethods} it would stay in the interpreter however many requests came.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageJvmOptionsIT {

  private static final Pattern JAVA_OPTS = Pattern.compile("(?m)^ENV JAVA_OPTS=\"(.*)\"$");
  /** The validator's recursive method, the long one (the public validate(Object) is short). */
  private static final String VALIDATOR = "io.vertx.json.schema.impl.SchemaValidatorImpl.validate("
      + "Ljava/lang/Object;Lio/vertx/json/schema/JsonSchema;";
  private static final String TOO_LONG_BRAND = "/campaign?prompt=" + "a".repeat(21);

  @Test
  void theContractsValidatorRunsCompiled(Vertx vertx) throws Exception {
    List<String> options = new ArrayList<>(imageJavaOptions());
    // The image sizes its heap from the container's limit; the benchmarks give it 1 GiB.
    options.add(0, "-XX:MaxRAM=1g");
    try (JarProcess jar = JarProcess.start(options, Map.of("DEMO_MODE", "true", "HTTP_HOST", "127.0.0.1"))) {
      Caller caller = new Caller(vertx, jar.port);
      GracefulShutdownIT.waitUntilReady(vertx, caller).await(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int requests = 0;
      boolean compiled = false;
      while (!compiled && System.nanoTime() < deadline) {
        // Each refusal runs the validator: the brand breaks the contract's maxLength.
        List<Future<CallerResponse>> batch = IntStream.range(0, 100)
            .mapToObj(i -> caller.get(TOO_LONG_BRAND, "application/json")).toList();
        for (Future<CallerResponse> answer : batch) {
          assertThat(answer.await(30, TimeUnit.SECONDS).status).isEqualTo(400);
        }
        requests += batch.size();
        compiled = compiledMethods(jar.process.pid()).contains(VALIDATOR);
      }
      assertThat(compiled)
          .as("validator compiled, after %d requests under JAVA_OPTS %s", requests, options)
          .isTrue();
    }
  }

  private static List<String> imageJavaOptions() throws IOException {
    Matcher line = JAVA_OPTS.matcher(Files.readString(Path.of("Dockerfile"), StandardCharsets.UTF_8));
    assertThat(line.find()).as("the Dockerfile's ENV JAVA_OPTS line").isTrue();
    return Arrays.asList(line.group(1).trim().split("\\s+"));
  }

  /** The JIT's code cache of the process, as {@code jcmd PID Compiler.codelist} prints it. */
  private static String compiledMethods(long pid) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(JarProcess.jdkTool("jcmd"), Long.toString(pid), "Compiler.codelist")
        .redirectErrorStream(true).start();
    String listing = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).as("jcmd finished").isTrue();
    return listing;
  }
}
