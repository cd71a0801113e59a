package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.CampaignService;
import dev.campaignstream.ClusteredVertx;
import dev.campaignstream.config.AppConfig;
import dev.campaignstream.config.ConfigLoader;
import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.OpenAiSimulator;
import dev.campaignstream.simulator.SimulatorOptions;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import dev.campaignstream.support.TestService;
import dev.campaignstream.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes clustered with Hazelcast in one JVM, each with its own Vert.x, HTTP front and worker,
 * against one upstream: a campaign being written through one node is one stream for the whole
 * cluster. Callers on the other node join it, resume it, and leave it as they would on one node.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ClusterSharingTest {

  private static final List<String> DELTAS = IntStream.rangeClosed(1, 30).mapToObj(i -> " piece" + i).toList();

  private static OpenAiSimulator upstream;
  private static Node one;
  private static Node two;

  @BeforeAll
  static void cluster(Vertx vertx, VertxTestContext testContext) throws Exception {
    String cluster = "sharing-" + UUID.randomUUID();
    int port = JarProcess.freePort();
    OpenAiSimulator.start(vertx, SimulatorOptions.forTests())
        .compose(started -> {
          upstream = started;
          return node(vertx, cluster, port, "one");
        })
        .compose(first -> {
          one = first;
          return node(vertx, cluster, port, "two");
        })
        .onComplete(testContext.succeeding(second -> {
          two = second;
          testContext.completeNow();
        }));
  }

  @AfterAll
  static void stop(VertxTestContext testContext) {
    Future.join(one.vertx.close(), two.vertx.close()).onComplete(v -> testContext.completeNow());
  }

  @Test
  void callersOnBothNodesShareOneUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    String brand = "Shared" + UUID.randomUUID().toString().substring(0, 8);
    upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(20)));
    List<Future<CallerResponse>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Node node = i % 2 == 0 ? one : two;
      all.add(node.caller.get("/campaign?prompt=" + brand, i % 4 < 2 ? "text/plain" : "text/event-stream"));
    }
    Future.all(all).map(done -> done.<CallerResponse>list()).onComplete(testContext.succeeding(answers -> {
        testContext.verify(() -> {
          assertThat(requestsFor(brand)).isEqualTo(1);
          List<String> caches = answers.stream().map(answer -> answer.header("X-Campaign-Cache")).toList();
          assertThat(caches).containsOnly("miss", "shared");
          assertThat(caches).filteredOn("miss"::equals).hasSize(1);
          for (int i = 0; i < answers.size(); i++) {
            CallerResponse answer = answers.get(i);
            assertThat(answer.status).isEqualTo(200);
            if (i % 4 < 2) {
              assertThat(answer.body()).isEqualTo(String.join("", DELTAS));
            } else {
              assertEventsAfter(answer.events(), 0);
            }
          }
        });
        // Each node forgets its stream once the cluster's cache has the campaign.
        Eventually.await(vertx, "nothing left in flight", 3_000,
            () -> one.service.sharedStreams() + two.service.sharedStreams() == 0)
            .onComplete(testContext.succeedingThenComplete());
      }));
  }

  @Test
  void aReconnectOnTheOtherNodeContinuesMidStreamAndAfterCompletion(Vertx vertx, VertxTestContext testContext) {
    String brand = "Resumed" + UUID.randomUUID().toString().substring(0, 8);
    String uri = "/campaign?prompt=" + brand;
    upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(50)));
    // A stayer on the first node keeps the stream going whatever the reconnecting caller does.
    Future<CallerResponse> stayer = one.caller.get(uri, "text/plain");
    Promise<Void> sawFive = Promise.promise();
    StringBuilder seen = new StringBuilder();
    one.caller.get(uri, "text/event-stream", response -> response.handler(read -> {
      seen.append(read.toString(StandardCharsets.UTF_8));
      if (seen.toString().contains("id: 5\n")) {
        response.request().connection().close();
        sawFive.tryComplete();
      }
    })).onComplete(ignored -> { });
    sawFive.future()
        .compose(v -> resume(two.caller, uri, "5"))
        .compose(midStream -> stayer.compose(done -> resume(two.caller, uri, "12")).map(afterEnd -> {
          testContext.verify(() -> {
            assertThat(midStream.status).isEqualTo(200);
            assertThat(midStream.header("X-Campaign-Cache")).isEqualTo("shared");
            assertEventsAfter(midStream.events(), 5);
            assertThat(afterEnd.header("X-Campaign-Cache")).isEqualTo("hit");
            assertEventsAfter(afterEnd.events(), 12);
            assertThat(requestsFor(brand)).isEqualTo(1);
          });
          return afterEnd;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aLoneEventStreamDroppedOnOneNodeContinuesOnTheOther(Vertx vertx, VertxTestContext testContext) {
    String brand = "Lone" + UUID.randomUUID().toString().substring(0, 8);
    String uri = "/campaign?prompt=" + brand;
    upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(20)));
    int abortedBefore = upstream.abortedStreams();
    Promise<Void> sawThree = Promise.promise();
    StringBuilder seen = new StringBuilder();
    one.caller.get(uri, "text/event-stream", response -> response.handler(read -> {
      seen.append(read.toString(StandardCharsets.UTF_8));
      if (seen.toString().contains("id: 3\n")) {
        response.request().connection().close();
        sawThree.tryComplete();
      }
    })).onComplete(ignored -> { });
    // As an EventSource does: it reconnects about 3 s later, by then its stream has been paused.
    sawThree.future()
        .compose(v -> Eventually.sleep(vertx, 1_000))
        .compose(v -> resume(two.caller, uri, "3"))
        .onComplete(testContext.succeeding(resumed -> testContext.verify(() -> {
          assertThat(resumed.status).isEqualTo(200);
          assertEventsAfter(resumed.events(), 3);
          assertThat(requestsFor(brand)).isEqualTo(1);
          assertThat(upstream.abortedStreams()).isEqualTo(abortedBefore);
          testContext.completeNow();
        })));
  }

  @Test
  void theLastCallerLeavingOnEitherNodeCancelsTheUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    String brand = "Left" + UUID.randomUUID().toString().substring(0, 8);
    String uri = "/campaign?prompt=" + brand;
    upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(5)));
    int abortedBefore = upstream.abortedStreams();
    Promise<Void> firstRead = Promise.promise();
    List<Runnable> closers = new ArrayList<>();
    Future<CallerResponse> onOne = one.caller.get(uri, "text/plain", response -> {
      closers.add(() -> response.request().connection().close());
      response.handler(read -> firstRead.tryComplete());
    });
    Future<CallerResponse> onTwo = firstRead.future().compose(v -> two.caller.get(uri, "application/json",
        response -> response.handler(read -> closers.add(() -> response.request().connection().close()))));
    // The second caller is in once it has read something; then the owner's caller leaves first.
    Eventually.await(vertx, "both callers reading", 10_000, () -> closers.size() >= 2)
        .compose(v -> {
          closers.get(0).run();
          return Eventually.sleep(vertx, 300);
        })
        .compose(v -> {
          testContext.verify(() -> assertThat(upstream.abortedStreams()).isEqualTo(abortedBefore));
          closers.get(1).run();
          return Eventually.await(vertx, "upstream aborted", 3_000, () -> upstream.abortedStreams() == abortedBefore + 1);
        })
        .compose(v -> Eventually.await(vertx, "nothing left in flight", 3_000,
            () -> one.service.sharedStreams() + two.service.sharedStreams() == 0))
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          assertThat(requestsFor(brand)).isEqualTo(1);
          assertThat(onOne.isComplete() && onTwo.isComplete()).isTrue();
          testContext.completeNow();
        })));
  }

  // About 30 MB: more than the kernel's socket buffers can hide, so a paused reader really stalls;
  // a piece a millisecond, about as fast as a node can follow another over the event bus.
  private static final int BIG_CHUNKS = 3_000;
  private static final String BIG_DELTA = "x".repeat(10_000);

  @Test
  void aSlowCallerOnOneNodeHoldsBackNeitherTheStreamNorTheCallersOnEitherNode(Vertx vertx,
      VertxTestContext testContext) {
    String brand = "Slow" + UUID.randomUUID().toString().substring(0, 8);
    String uri = "/campaign?prompt=" + brand;
    upstream.enqueue(Behaviour.stream().withDeltas(BIG_DELTA).withChunks(BIG_CHUNKS).withChunkInterval(Duration.ofMillis(1)));
    Future<CallerResponse> fastOnOwner = one.caller.get(uri, "text/plain");
    HttpClientResponse[] paused = new HttpClientResponse[1];
    Promise<Void> slowIn = Promise.promise();
    Caller slowReader = Caller.slowReader(vertx, two.service.httpPort());
    Future<CallerResponse> slowOnFollower = Eventually.await(vertx, "the first node writing it", 5_000,
        () -> one.service.sharedStreams() == 1).compose(v -> slowReader.get(uri, "text/event-stream",
        response -> {
          paused[0] = response;
          response.pause();
          slowIn.complete();
        }));
    slowIn.future()
        .compose(v -> Future.all(fastOnOwner, two.caller.get(uri, "text/plain")))
        .compose(fast -> {
          testContext.verify(() -> {
            CallerResponse owners = fast.resultAt(0);
            CallerResponse followers = fast.resultAt(1);
            assertThat(owners.body().length()).isEqualTo(BIG_CHUNKS * BIG_DELTA.length());
            assertThat(followers.header("X-Campaign-Cache")).isEqualTo("shared");
            assertThat(followers.body().length()).isEqualTo(owners.body().length());
            assertThat(followers.body().equals(owners.body())).as("the same text on both nodes").isTrue();
            // Both fast callers had it all while the paused one, on the following node, had not.
            assertThat(slowOnFollower.isComplete()).as("the paused caller finished first").isFalse();
          });
          paused[0].resume();
          return slowOnFollower;
        })
        .onComplete(testContext.succeeding(cut -> testContext.verify(() -> {
          List<Event> events = cut.events();
          Event last = events.get(events.size() - 1);
          assertThat(last.type()).isEqualTo("error");
          assertThat(last.data().getString("detail"))
              .isEqualTo("This connection fell more than 1000 pieces behind the campaign, try again");
          assertThat(events.size() - 1).isLessThan(BIG_CHUNKS);
          assertThat(requestsFor(brand)).isEqualTo(1);
          slowReader.close();
          testContext.completeNow();
        })));
  }

  private static Future<CallerResponse> resume(Caller caller, String uri, String lastEventId) {
    return caller.request(HttpMethod.GET, uri, Map.of("Accept", "text/event-stream", "Last-Event-ID", lastEventId),
        response -> { });
  }

  private static long requestsFor(String brand) {
    return upstream.requests().stream().filter(request -> brand.equals(request.lastUserMessage())).count();
  }

  private static void assertEventsAfter(List<Event> events, int after) {
    assertThat(events).hasSize(DELTAS.size() - after + 1);
    for (int id = after + 1; id <= DELTAS.size(); id++) {
      Event event = events.get(id - after - 1);
      assertThat(event.id()).isEqualTo(Integer.toString(id));
      assertThat(event.data()).isEqualTo(new JsonObject().put("text", DELTAS.get(id - 1)));
    }
    assertThat(events.get(events.size() - 1).type()).isEqualTo("done");
  }

  /** A node of the cluster: its own clustered Vert.x and service, the HTTP front and a worker. */
  private static Future<Node> node(Vertx client, String cluster, int port, String name) {
    JsonObject json = TestService.testConfig();
    json.getJsonObject("openai").put("baseUrl", upstream.baseUrl());
    json.put("node", new JsonObject().put("name", name));
    // Callers more than 1,000 pieces behind are cut; the 20-million-character campaign above stays shareable.
    json.put("cache", new JsonObject().put("maxLagChunks", 1_000).put("maxCampaignChars", 2 * BIG_CHUNKS * BIG_DELTA.length()));
    json.put("cluster", new JsonObject().put("enabled", true).put("name", cluster).put("host", "127.0.0.1")
        .put("port", port).put("members", "127.0.0.1:" + port));
    AppConfig config = ConfigLoader.fromJson(json);
    return ClusteredVertx.start(config.cluster(), config.cache(), Tracing.OFF)
        .compose(clustered -> CampaignService.start(clustered, config)
            .map(service -> new Node(clustered, service, new Caller(client, service.httpPort()))));
  }

  private record Node(Vertx vertx, CampaignService service, Caller caller) {
  }
}
