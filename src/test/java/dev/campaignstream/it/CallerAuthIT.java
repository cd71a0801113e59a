package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.CampaignService;
import dev.campaignstream.support.JarProcess;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar as an operator runs it: it refuses to serve OpenAI's money to anyone, and makes keys. */
class CallerAuthIT {

  @Test
  void withARealKeyAndNoCallerKeysTheJarRefusesToStart() throws Exception {
    try (JarProcess jar = JarProcess.start(Map.of("OPENAI_API_KEY", "sk-real-looking-0123456789"))) {
      assertThat(jar.process.waitFor(30, TimeUnit.SECONDS)).as(jar.output()).isTrue();
      assertThat(jar.process.exitValue()).as(jar.output()).isEqualTo(2);
      assertThat(jar.output().lines().toList()).as(jar.output()).containsExactly(CampaignService.OPEN_REFUSAL);
    }
  }

  @Test
  void withCallerAuthNoneTheJarStartsOpenAndSaysSo() throws Exception {
    try (JarProcess jar = JarProcess.start(Map.of("OPENAI_API_KEY", "sk-real-looking-0123456789",
        "CALLER_AUTH", "none", "HTTP_HOST", "127.0.0.1"))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!jar.output().contains(" up: ") && System.nanoTime() < deadline && jar.process.isAlive()) {
        Thread.sleep(100);
      }
      assertThat(jar.output()).as(jar.output()).contains(" up: ");
      assertThat(jar.output().lines().filter(line -> line.contains("OPEN SERVICE")).toList()).as(jar.output())
          .singleElement().asString().contains("WARN", "CALLER_AUTH=none");
      assertThat(jar.output()).doesNotContain("sk-real");
    }
  }

  @Test
  void keysNewPrintsAKeyAndItsEntry() throws Exception {
    try (JarProcess jar = JarProcess.start(Map.of(), "keys", "new", "acme-web")) {
      assertThat(jar.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(jar.process.exitValue()).as(jar.output()).isZero();
      assertThat(jar.output()).containsPattern("(?m)^cs_[A-Za-z0-9_-]{43}$")
          .containsPattern("  - name: acme-web\n    sha256: [0-9a-f]{64}\n");
    }
  }
}
