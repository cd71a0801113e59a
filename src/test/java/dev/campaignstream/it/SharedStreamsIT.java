package dev.campaignstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarCluster;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two HTTP nodes and two worker nodes, each a real {@code java -jar} process on loopback: one
 * campaign is one stream for the whole cluster. Callers spread over both HTTP nodes share one
 * upstream call; an event stream resumes on the other node, mid-stream and once cached; the last
 * caller leaving, wherever, cancels the call; and when the owning HTTP node is killed its
 * followers elsewhere get the error marker and the next caller starts a new stream. One scenario,
 * in order, to pay for the cluster's start-up once.
 */
@ExtendWith(VertxExtension.class)
class SharedStreamsIT {

  private static final Pattern UPSTREAM_OK = Pattern.compile("campaign_upstream_responses_total\\{status=\"200\"} (\\S+)");
  private final JarCluster cluster = new JarCluster();

  @AfterEach
  void stopNodes() {
    cluster.close();
  }

  @Test
  void oneStreamPerCampaignAcrossTheCluster(Vertx vertx) throws Exception {
    JarProcess w1 = node("worker", "w1");
    JarProcess w2 = node("worker", "w2");
    JarProcess h1 = node("http", "h1");
    JarProcess h2 = node("http", "h2");
    Caller one = new Caller(vertx, h1.port);
    Caller two = new Caller(vertx, h2.port);
    GracefulShutdownIT.waitUntilReady(vertx, one).await(60, TimeUnit.SECONDS);
    GracefulShutdownIT.waitUntilReady(vertx, two).await(60, TimeUnit.SECONDS);
    List<Caller> workers = List.of(new Caller(vertx, w1.port), new Caller(vertx, w2.port));

    // 100 callers spread over both HTTP nodes: one upstream call, the same text everywhere.
    List<Future<CallerResponse>> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add((i % 2 == 0 ? one : two).get("/campaign?prompt=Acme%20Coffee", "text/plain"));
    }
    List<CallerResponse> answers = Future.all(hundred).map(all -> all.<CallerResponse>list()).await(90, TimeUnit.SECONDS);
    assertThat(answers).allSatisfy(answer -> assertThat(answer.status).isEqualTo(200));
    assertThat(answers.stream().map(CallerResponse::body).distinct()).hasSize(1);
    assertThat(answers.stream().filter(answer -> "miss".equals(answer.header("X-Campaign-Cache")))).hasSize(1);
    assertThat(answers.stream().filter(answer -> "shared".equals(answer.header("X-Campaign-Cache")))).hasSize(99);
    assertThat(upstreamCalls(workers)).isEqualTo(1);
    // The access log of the node that followed names the owner, and itself.
    assertThat(accessLogNames(h1, "owner=h2", "node=h1") || accessLogNames(h2, "owner=h1", "node=h2")).isTrue();

    // An event stream dropped on one node resumes on the other mid-stream, with no new call...
    long lastId = dropAfterSomeEvents(one, "/campaign?prompt=Resumed");
    CallerResponse resumed = resume(two, "/campaign?prompt=Resumed", lastId).await(60, TimeUnit.SECONDS);
    assertThat(resumed.status).isEqualTo(200);
    assertThat(resumed.header("X-Campaign-Cache")).isEqualTo("shared");
    assertContinuesAfter(resumed.events(), lastId);
    // ...and after completion, from the cluster's cache.
    CallerResponse cached = fromCache(vertx, one, "/campaign?prompt=Resumed", 2);
    assertThat(cached.header("X-Campaign-Cache")).isEqualTo("hit");
    assertContinuesAfter(cached.events(), 2);
    assertThat(upstreamCalls(workers)).isEqualTo(2);

    // The last caller leaving, on either node, cancels the upstream call.
    Promise<HttpClientResponse> first = Promise.promise();
    Promise<HttpClientResponse> second = Promise.promise();
    one.get("/campaign?prompt=Leavers", "text/plain", response -> response.handler(read -> first.tryComplete(response)))
        .onComplete(ignored -> { });
    first.future().await(15, TimeUnit.SECONDS);
    two.get("/campaign?prompt=Leavers", "application/json",
        response -> response.handler(read -> second.tryComplete(response))).onComplete(ignored -> { });
    List<HttpClientResponse> live = List.of(first.future().result(), second.future().await(15, TimeUnit.SECONDS));
    live.get(0).request().connection().close();
    Eventually.sleep(vertx, 500).await(5, TimeUnit.SECONDS);
    assertThat(workerStreams(workers)).isEqualTo(1);
    live.get(1).request().connection().close();
    until("the upstream call cancelled", 3_000, () -> workerStreams(workers) == 0);
    assertThat(upstreamCalls(workers)).isEqualTo(3);

    // The owner killed: its followers on the other node get the error marker within the liveness
    // timeout, and the next caller starts a new stream there.
    List<String> firstSeen = new ArrayList<>();
    one.get("/campaign?prompt=Orphan", "text/event-stream",
        response -> response.handler(read -> firstSeen.add("read"))).onComplete(ignored -> { });
    Eventually.await(vertx, "the owner streaming", 10_000, () -> !firstSeen.isEmpty()).await(15, TimeUnit.SECONDS);
    Promise<Void> following = Promise.promise();
    Future<CallerResponse> orphan = two.watch("/campaign?prompt=Orphan", "text/event-stream",
        read -> following.tryComplete());
    following.future().await(15, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();
    h1.process.destroyForcibly();
    CallerResponse cut = orphan.await(30, TimeUnit.SECONDS);
    long cutMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertThat(cut.header("X-Campaign-Cache")).isEqualTo("shared");
    Event last = cut.events().get(cut.events().size() - 1);
    assertThat(last.type()).isEqualTo("error");
    assertThat(last.data().getString("detail")).isEqualTo("The node writing this campaign stopped responding, try again");
    assertThat(cutMs).isLessThan(8_000);
    CallerResponse next = two.get("/campaign?prompt=Orphan", "text/plain").await(60, TimeUnit.SECONDS);
    assertThat(next.status).isEqualTo(200);
    assertThat(next.header("X-Campaign-Cache")).isEqualTo("miss");
    assertThat(metrics(two)).contains("campaign_shared_streams{role=\"owner\"} 0.0")
        .contains("campaign_shared_streams{role=\"follower\"} 0.0");
  }

  /** Asks from the test's thread (the condition may wait for the callers' event loop) until it holds. */
  private static void until(String what, long withinMs, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + withinMs + " ms: " + what);
      }
      Thread.sleep(50);
    }
  }

  /** A lone event stream that reads a few events, then drops; the id it saw last. */
  private long dropAfterSomeEvents(Caller caller, String uri) throws Exception {
    Promise<Long> dropped = Promise.promise();
    StringBuilder seen = new StringBuilder();
    caller.get(uri, "text/event-stream", response -> response.handler(read -> {
      seen.append(read.toString(StandardCharsets.UTF_8));
      if (!dropped.future().isComplete() && seen.indexOf("id: 5\n") >= 0) {
        long last = 0;
        for (Matcher id = Pattern.compile("id: (\\d+)\n").matcher(seen); id.find(); ) {
          last = Long.parseLong(id.group(1));
        }
        response.request().connection().close();
        dropped.tryComplete(last);
      }
    })).onComplete(ignored -> { });
    return dropped.future().await(30, TimeUnit.SECONDS);
  }

  private static void assertContinuesAfter(List<Event> events, long after) {
    assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
    for (int i = 0; i < events.size() - 1; i++) {
      assertThat(events.get(i).id()).isEqualTo(Long.toString(after + 1 + i));
    }
  }

  /**
   * A campaign that has just completed is still joined, whole ({@code shared}), until its owner's
   * write to the cluster's cache is done (the follower's caller may finish first): asks again
   * until the cache answers, each answer whole meanwhile.
   */
  private static CallerResponse fromCache(Vertx vertx, Caller caller, String uri, long lastId) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      CallerResponse answer = resume(caller, uri, lastId).await(30, TimeUnit.SECONDS);
      if (!"shared".equals(answer.header("X-Campaign-Cache"))) {
        return answer;
      }
      assertContinuesAfter(answer.events(), lastId);
      Eventually.sleep(vertx, 100).await(5, TimeUnit.SECONDS);
    }
    throw new AssertionError("Not answered from the cache within 50 attempts: " + uri);
  }

  private static Future<CallerResponse> resume(Caller caller, String uri, long lastId) {
    return caller.request(HttpMethod.GET, uri, Map.of("Accept", "text/event-stream", "Last-Event-ID",
        Long.toString(lastId)), response -> { });
  }

  /** OpenAI calls answered 200, over all workers. */
  private static long upstreamCalls(List<Caller> workers) throws Exception {
    long calls = 0;
    for (Caller worker : workers) {
      Matcher ok = UPSTREAM_OK.matcher(metrics(worker));
      calls += ok.find() ? (long) Double.parseDouble(ok.group(1)) : 0;
    }
    return calls;
  }

  private static long workerStreams(List<Caller> workers) {
    try {
      long streams = 0;
      for (Caller worker : workers) {
        Matcher active = Pattern.compile("campaign_streams_active\\{side=\"worker\"} (\\S+)").matcher(metrics(worker));
        streams += active.find() ? (long) Double.parseDouble(active.group(1)) : 0;
      }
      return streams;
    } catch (Exception e) {
      return -1;
    }
  }

  private static String metrics(Caller node) throws Exception {
    return node.get("/metrics", null).await(10, TimeUnit.SECONDS).body();
  }

  private static boolean accessLogNames(JarProcess node, String owner, String self) {
    return node.output().lines().anyMatch(line -> line.contains(" access - GET /campaign") && line.contains(owner)
        && line.contains(self));
  }

  private JarProcess node(String role, String name) throws Exception {
    return cluster.node(role, name, 2);
  }
}
