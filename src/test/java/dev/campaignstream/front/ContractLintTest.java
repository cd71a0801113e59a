package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract lints with no error under Redocly's recommended rules ({@code redocly.yaml}) and
 * Spectral's {@code spectral:oas} ({@code .spectral.yaml}), at the versions pinned here, so that
 * generated clients and the docs see the security scheme on every operation. The linters come from
 * the npm registry through {@code npx}: without it the test is skipped, except in CI ({@code CI}
 * set), where {@code .ci/run} installs Debian's nodejs and npm.
 */
class ContractLintTest {

  static final String REDOCLY = "@redocly/cli@2.77.0";
  static final String SPECTRAL = "@stoplight/spectral-cli@6.16.3";
  private static final String CONTRACT = "src/main/resources/openapi.yaml";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void redoclyRecommendedFindsNoError() throws Exception {
    Result result = run(List.of(npx(), "--yes", REDOCLY, "lint", "--config", "redocly.yaml", CONTRACT));
    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output).as(result.output).contains("Your API description is valid");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void spectralOasFindsNoError() throws Exception {
    Result result = run(List.of(npx(), "--yes", SPECTRAL, "lint", "--ruleset", ".spectral.yaml",
        "--fail-severity", "error", CONTRACT));
    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output).as(result.output).doesNotContainPattern("\\d+:\\d+\\s+error\\b");
  }

  private static String npx() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "npx"))) {
        return Path.of(dir, "npx").toString();
      }
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError("npx is missing in CI: .ci/run installs Debian's nodejs and npm");
    }
    assumeTrue(false, "npx is not installed (apt-get install nodejs npm)");
    return null;
  }

  private record Result(int exit, String output) {
  }

  private static Result run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Neither linter's telemetry nor its update check is wanted in a build.
    builder.environment().put("REDOCLY_TELEMETRY", "off");
    builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    builder.environment().put("NO_UPDATE_NOTIFIER", "1");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(4, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
