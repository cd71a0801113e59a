package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.KeysFiles;
import dev.campaignstream.support.TestService;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard and the Prometheus alerting rules in {@code deploy/} read only metrics the
 * service exports, and Prometheus's own tool accepts the rules and the live {@code /metrics}. Where
 * promtool is not installed the tool checks are skipped, except in CI ({@code CI} set), whose
 * {@code .ci/run} installs it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class MonitoringAssetsTest {

  private static final Path DASHBOARD = Path.of("deploy/grafana/campaign-stream-dashboard.json");
  private static final Path RULES = Path.of("deploy/prometheus/campaign-stream-alerts.yml");
  private static final Pattern METRIC = Pattern.compile("\\b((?:campaign|vertx)_[a-z_]+)\\b");
  /**
   * What {@code promtool check metrics} reports of the JVM meters that Micrometer's binders name
   * (not the service's): known, and listed so that any other finding fails the build.
   */
  private static final Set<String> KNOWN_LINT = Set.of(
      "jvm_compilation_time_ms_total metric names should not contain abbreviated units",
      "process_cpu_time_ns_total metric names should not contain abbreviated units",
      "system_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix");

  private static final String KEY = "cs_monitoring-key-0123456789abcdefghijklmn";

  private Vertx vertx;
  private TestService app;
  private String scrape;

  /**
   * A node on a Vert.x with metrics and caller keys, after a campaign that succeeded, one that failed,
   * one refused for its key, one from the cache and one over the key's limit, so that every series exists.
   */
  @BeforeEach
  void start(VertxTestContext testContext, @TempDir Path dir) throws IOException {
    vertx = MetricsSetup.vertx();
    Path keys = KeysFiles.write(dir.resolve("keys.yaml"), KeysFiles.entry("acme-web", KEY, "requestsPerMinute: 3"));
    Map<String, String> key = Map.of("Authorization", "Bearer " + KEY);
    TestService.start(vertx, json -> KeysFiles.withKeys(json, keys))
        .compose(started -> {
          app = started;
          app.upstream.enqueue(Behaviour.stream().withDeltas("Hello", " world"), Behaviour.serverError());
          return app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme", key, response -> { })
              .compose(ok -> app.caller.request(HttpMethod.GET, "/campaign?prompt=Other", key, response -> { }))
              .compose(failed -> app.caller.get("/campaign?prompt=Other", null))
              .compose(unknown -> app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme", key, response -> { }))
              .compose(cached -> app.caller.request(HttpMethod.GET, "/campaign?prompt=Acme", key, response -> { }))
              .compose(refused -> app.caller.get("/metrics", null));
        })
        .onComplete(testContext.succeeding(metrics -> {
          scrape = metrics.body();
          testContext.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void everyMetricTheDashboardAndTheRulesReadIsExported() throws IOException {
    Set<String> exported = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        exported.add(line.split("[{ ]", 2)[0]);
      }
    }
    List<String> expressions = new ArrayList<>();
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    for (Object panel : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) panel).getJsonArray("targets");
      targets.forEach(target -> expressions.add(((JsonObject) target).getString("expr")));
    }
    dashboard.getJsonObject("templating").getJsonArray("list")
        .forEach(variable -> expressions.add(((JsonObject) variable).getString("query")));
    expressions.add(Files.readString(RULES));
    Set<String> named = new TreeSet<>();
    for (String expression : expressions) {
      Matcher metric = METRIC.matcher(expression);
      while (metric.find()) {
        named.add(metric.group(1));
      }
    }
    assertThat(named).as("metrics the dashboard and the rules name").hasSizeGreaterThan(8);
    assertThat(exported).containsAll(named);
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    String promtool = promtool();
    Result checked = run(List.of(promtool, "check", "rules", RULES.toString()), null);
    assertThat(checked.exit).as(checked.output).isZero();
    assertThat(checked.output).contains("SUCCESS: 5 rules found");
  }

  @Test
  void promtoolFindsNothingNewInTheLiveMetrics() throws Exception {
    String promtool = promtool();
    Result checked = run(List.of(promtool, "check", "metrics"), scrape);
    List<String> findings = checked.output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    assertThat(findings).as("promtool check metrics").allMatch(KNOWN_LINT::contains);
    assertThat(findings).noneMatch(finding -> finding.startsWith("campaign_"));
  }

  private static String promtool() {
    String found = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "promtool"))) {
        found = Path.of(dir, "promtool").toString();
        break;
      }
    }
    if (found == null && System.getenv("CI") != null) {
      throw new AssertionError("promtool is missing in CI: .ci/run installs Debian's prometheus package");
    }
    assumeTrue(found != null, "promtool is not installed (apt-get install prometheus)");
    return found;
  }

  private record Result(int exit, String output) {
  }

  private static Result run(List<String> command, String stdin) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
