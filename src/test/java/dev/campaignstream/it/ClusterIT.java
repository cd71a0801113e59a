package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarCluster;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One HTTP node and two worker nodes, each a real {@code java -jar} process on loopback, on the
 * Hazelcast-clustered event bus. The workers run in demo mode (the simulator is in their
 * process, so the OpenAI side lives only on worker nodes). One scenario, in order, to pay for
 * the cluster's start-up once.
 */
@ExtendWith(VertxExtension.class)
class ClusterIT {

  private static final Pattern WORKER = Pattern.compile("worker=(\\S+)");
  private final JarCluster cluster = new JarCluster();

  @AfterEach
  void stopNodes() {
    cluster.close();
  }

  @Test
  void streamsCrossTheClusterSurviveAKilledWorkerAndReachALateOne(Vertx vertx) throws Exception {
    JarProcess w1 = node("worker", "w1");
    JarProcess w2 = node("worker", "w2");
    JarProcess front = node("http", "h1");
    JarProcess otherFront = node("http", "h2");
    Caller caller = new Caller(vertx, front.port);
    GracefulShutdownIT.waitUntilReady(vertx, caller).await(60, TimeUnit.SECONDS);

    // Every representation crosses the cluster, and the work spreads over both workers (four
    // brands: callers of one brand would share one stream).
    List<Future<CallerResponse>> first = new ArrayList<>();
    List<String> accepts = List.of("text/plain", "text/event-stream", "application/json", "text/plain");
    for (int i = 0; i < accepts.size(); i++) {
      first.add(caller.get("/campaign?prompt=Acme%20Coffee%20" + i, accepts.get(i)));
    }
    List<CallerResponse> answers = Future.all(first).map(all -> all.<CallerResponse>list()).await(60, TimeUnit.SECONDS);
    for (CallerResponse answer : answers) {
      assertThat(answer.status).as(answer.body()).isEqualTo(200);
      assertThat(answer.header("X-Campaign-Simulated")).isEqualTo("true");
      assertThat(answer.body()).contains("Acme");
    }
    assertThat(answers.get(1).events().get(answers.get(1).events().size() - 1).type()).isEqualTo("done");
    assertThat(answers.get(2).json().getString("finish_reason")).isEqualTo("stop");
    assertThat(workersServed(front)).containsKeys("w1", "w2");

    // The cache is the cluster's: a campaign one HTTP node paid for is a hit on another.
    Caller otherCaller = new Caller(vertx, otherFront.port);
    GracefulShutdownIT.waitUntilReady(vertx, otherCaller).await(60, TimeUnit.SECONDS);
    CallerResponse elsewhere = otherCaller.get("/campaign?prompt=ACME%20COFFEE%200", "text/plain").await(30, TimeUnit.SECONDS);
    assertThat(elsewhere.header("X-Campaign-Cache")).isEqualTo("hit");
    assertThat(elsewhere.header("X-Campaign-Simulated")).isEqualTo("true");
    assertThat(elsewhere.body()).isEqualTo(answers.get(0).body());

    // A worker node serves no API, but its own metrics and health, for operators.
    Caller workerOps = new Caller(vertx, w2.port);
    CallerResponse workerMetrics = workerOps.get("/metrics", null).await(10, TimeUnit.SECONDS);
    assertThat(workerMetrics.body()).contains("campaign_upstream_responses_total{status=\"200\"}")
        .contains("campaign_tokens_total{type=\"completion\"}");
    assertThat(workerOps.get("/health/ready", null).await(10, TimeUnit.SECONDS).status).isEqualTo(200);
    assertThat(workerOps.get("/campaign?prompt=Acme", null).await(10, TimeUnit.SECONDS).status).isEqualTo(404);

    // SIGKILL a worker mid-stream: its caller gets the error marker within the liveness timeout.
    Future<CallerResponse> onW1 = caller.get("/campaign?prompt=One", "text/event-stream");
    Future<CallerResponse> onW2 = caller.get("/campaign?prompt=Two", "text/event-stream");
    Eventually.sleep(vertx, 1_000).await(5, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();
    w1.process.destroyForcibly();
    List<CallerResponse> both = Future.all(onW1, onW2).map(all -> all.<CallerResponse>list()).await(60, TimeUnit.SECONDS);
    List<String> endings = both.stream().map(seen -> seen.events().get(seen.events().size() - 1).type()).toList();
    assertThat(endings).containsExactlyInAnyOrder("error", "done");
    CallerResponse cut = both.get(endings.indexOf("error"));
    assertThat(cut.events().get(cut.events().size() - 1).data()).isEqualTo(new JsonObject().put("status", 503)
        .put("detail", "The campaign writer stopped responding, try again"));

    // New streams go to the survivor at once.
    long after = System.nanoTime();
    List<Future<CallerResponse>> next = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      next.add(caller.get("/campaign?prompt=Next" + i, "application/json"));
    }
    for (CallerResponse answer : Future.all(next).map(all -> all.<CallerResponse>list()).await(60, TimeUnit.SECONDS)) {
      assertThat(answer.status).as(answer.body()).isEqualTo(200);
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(after - killedAt)).isLessThan(15);

    // A worker joining late takes work without restarting anything.
    JarProcess w3 = node("worker", "w3");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // Plain-text probes, each a new brand: a dropped event stream would be kept for its reconnect,
    // and the next probe of its brand would join it on the worker it already has.
    for (int round = 0; !workersServed(front).containsKey("w3") && System.nanoTime() < deadline; round++) {
      List<Future<CallerResponse>> probes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        probes.add(caller.get("/campaign?prompt=Probe%20" + round + "%20" + i, "text/plain",
            response -> response.handler(read -> response.request().connection().close())));
      }
      Future.join(probes).otherwiseEmpty().await(30, TimeUnit.SECONDS);
      Eventually.sleep(vertx, 1_000).await(5, TimeUnit.SECONDS);
    }
    assertThat(workersServed(front)).containsKey("w3");

    // With no worker left: 503 at once, and the HTTP node is not ready.
    w2.process.destroyForcibly();
    w3.process.destroyForcibly();
    Eventually.sleep(vertx, 8_000).await(10, TimeUnit.SECONDS);
    CallerResponse none = caller.get("/campaign?prompt=None", null).await(10, TimeUnit.SECONDS);
    assertThat(none.status).isEqualTo(503);
    assertThat(none.json().getString("detail")).isEqualTo("No campaign writer is available, try again later");
    CallerResponse ready = caller.get("/health/ready", null).await(10, TimeUnit.SECONDS);
    assertThat(ready.status).isEqualTo(503);
  }

  private JarProcess node(String role, String name) throws Exception {
    return cluster.node(role, name, 1);
  }

  /** How many streams each worker served, from the HTTP node's access log. */
  private static Map<String, Integer> workersServed(JarProcess front) {
    Map<String, Integer> served = new HashMap<>();
    front.output().lines().filter(line -> line.contains(" access - GET /campaign")).forEach(line -> {
      Matcher worker = WORKER.matcher(line);
      if (worker.find() && !worker.group(1).equals("-")) {
        served.merge(worker.group(1), 1, Integer::sum);
      }
    });
    return served;
  }
}
