package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Callers asking for the same campaign at the same time share one upstream stream: one OpenAI
 * call, the same text and event ids for all, each caller at its own pace.
 */
@ExtendWith(VertxExtension.class)
class CoalescingTest {

  private static final List<String> DELTAS = IntStream.rangeClosed(1, 10).mapToObj(i -> " piece" + i).toList();
  private static final String TEXT = String.join("", DELTAS);
  private static final String URI = "/campaign?prompt=Acme";

  @Test
  void aHundredCallersAtOnceMakeOneUpstreamCallAndAllGetTheSameText(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx).compose(app -> {
      // Slow to start, so that all hundred are in before the first piece.
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withFirstTokenDelay(Duration.ofMillis(500))
          .withChunkInterval(Duration.ofMillis(10)));
      List<String> accepts = List.of("text/plain", "text/event-stream", "application/json");
      List<Future<CallerResponse>> callers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        callers.add(app.caller.get(URI, accepts.get(i % 3)));
      }
      return Future.all(callers).map(all -> {
        testContext.verify(() -> {
          assertThat(app.upstream.requests()).hasSize(1);
          List<String> cacheHeaders = new ArrayList<>();
          List<Event> firstEvents = null;
          for (int i = 0; i < 100; i++) {
            CallerResponse seen = callers.get(i).result();
            assertThat(seen.status).as(seen.body()).isEqualTo(200);
            assertThat(seen.endedCleanly).isTrue();
            cacheHeaders.add(seen.header("X-Campaign-Cache"));
            switch (i % 3) {
              case 0 -> assertThat(seen.body()).isEqualTo(TEXT);
              case 1 -> {
                List<Event> events = seen.events();
                assertThat(texts(events)).isEqualTo(TEXT);
                if (firstEvents == null) {
                  firstEvents = events;
                }
                // The same ids and pieces for everyone, and the same end.
                assertThat(events).isEqualTo(firstEvents);
              }
              default -> assertThat(seen.json().getString("campaign")).isEqualTo(TEXT);
            }
          }
          assertThat(cacheHeaders.stream().filter("miss"::equals).count()).isEqualTo(1);
          assertThat(cacheHeaders.stream().filter("shared"::equals).count()).isEqualTo(99);
          assertThat(firstEvents).extracting(Event::id).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9",
              "10", null);
        });
        return app;
      }).compose(checked -> Eventually.await(vertx, "every slot released and the stream forgotten", 2_000,
          () -> checked.service.limiter().active() == 0 && checked.service.sharedStreams() == 0));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aLateJoinerGetsWhatWasWrittenAtOnceThenFollows(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(150)));
      Promise<Void> threeSeen = Promise.promise();
      StringBuilder firstSoFar = new StringBuilder();
      Future<CallerResponse> first = app.caller.watch(URI, "text/event-stream", read -> {
        firstSoFar.append(read.toString(StandardCharsets.UTF_8));
        if (firstSoFar.toString().contains("id: 3\n")) {
          threeSeen.tryComplete();
        }
      });
      List<Long> lateReadsAt = new ArrayList<>();
      List<String> lateReads = new ArrayList<>();
      Future<CallerResponse> late = threeSeen.future().compose(v -> app.caller.watch(URI, "text/event-stream",
          read -> {
            lateReadsAt.add(System.nanoTime());
            lateReads.add(read.toString(StandardCharsets.UTF_8));
          }));
      return Future.all(first, late).map(both -> {
        testContext.verify(() -> {
          CallerResponse joined = late.result();
          assertThat(joined.header("X-Campaign-Cache")).isEqualTo("shared");
          assertThat(first.result().header("X-Campaign-Cache")).isEqualTo("miss");
          assertThat(joined.events()).isEqualTo(first.result().events());
          assertThat(texts(joined.events())).isEqualTo(TEXT);
          assertThat(app.upstream.requests()).hasSize(1);
          // The three pieces written before it came arrive together, well within one 150 ms interval.
          long burstEnd = lateReadsAt.get(0) + TimeUnit.MILLISECONDS.toNanos(75);
          String burst = IntStream.range(0, lateReads.size()).filter(i -> lateReadsAt.get(i) <= burstEnd)
              .mapToObj(lateReads::get).collect(Collectors.joining());
          assertThat(burst).contains("id: 1\n", "id: 2\n", "id: 3\n");
        });
        return both;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anEarlierCallerLeavingDoesNotStopTheStreamForTheOthers(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(30)));
      Future<CallerResponse> leaver = app.caller.get(URI, "text/plain",
          response -> response.handler(first -> response.request().connection().close()));
      Future<CallerResponse> stayer1 = app.caller.get(URI, "text/plain");
      Future<CallerResponse> stayer2 = app.caller.get(URI, "text/event-stream");
      return Future.all(stayer1, stayer2).map(both -> {
        testContext.verify(() -> {
          assertThat(leaver.isComplete()).isTrue();
          assertThat(stayer1.result().body()).isEqualTo(TEXT);
          assertThat(stayer1.result().endedCleanly).isTrue();
          assertThat(texts(stayer2.result().events())).isEqualTo(TEXT);
          assertThat(app.upstream.requests()).hasSize(1);
          assertThat(app.upstream.abortedStreams()).isZero();
          assertThat(app.upstream.completedStreams()).isEqualTo(1);
        });
        return both;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void theLastCallerLeavingCancelsTheUpstreamCall(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx, json -> TestService.with(json, "openai", "firstTokenTimeoutMs", 30_000)).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(5)));
      List<HttpClientResponse> live = new ArrayList<>();
      Promise<Void> bothStreaming = Promise.promise();
      for (int i = 0; i < 2; i++) {
        // Plain text: an event stream whose last caller drops is held for its reconnect (ReconnectGraceTest).
        app.caller.get(URI, "text/plain", response -> {
          live.add(response);
          if (live.size() == 2) {
            bothStreaming.complete();
          }
        }).onComplete(ar -> { });
      }
      return bothStreaming.future()
          .compose(v -> {
            live.get(0).request().connection().close();
            return Eventually.sleep(vertx, 300);
          })
          .map(v -> {
            testContext.verify(() -> {
              // One caller is still there: the stream goes on.
              assertThat(app.upstream.abortedStreams()).isZero();
              assertThat(app.upstream.activeStreams()).isEqualTo(1);
            });
            return v;
          })
          .compose(v -> {
            live.get(1).request().connection().close();
            return Eventually.await(vertx, "upstream aborted", 2_000, () -> app.upstream.abortedStreams() == 1);
          })
          .compose(ms -> Eventually.await(vertx, "no stream state left", 2_000,
              () -> app.service.limiter().active() == 0 && app.service.workerLoad().streams() == 0
                  && app.upstream.activeStreams() == 0 && app.service.sharedStreams() == 0))
          .map(ms -> {
            testContext.verify(() -> {
              assertThat(app.upstream.requests()).hasSize(1);
              assertThat(app.upstream.completedStreams()).isZero();
            });
            return ms;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  // ------------------------------------------------------------------ a slow caller among fast ones

  // About 20 MB: more than the kernel's socket buffers can hide, so a paused reader really stalls.
  private static final int BIG_CHUNKS = 20_000;
  private static final String BIG_DELTA = "x".repeat(1_000);

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aSlowCallerDoesNotDelayAFastOne(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx, json -> bigCampaigns(TestService.with(json, "cache", "maxLagChunks", 1_000_000)))
        .compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(BIG_DELTA).withChunks(BIG_CHUNKS)
          .withChunkInterval(Duration.ZERO));
      HttpClientResponse[] slowResponse = new HttpClientResponse[1];
      Promise<Void> slowStarted = Promise.promise();
      Caller slowReader = Caller.slowReader(vertx, app.caller.port());
      Future<CallerResponse> slow = slowReader.get(URI, "text/plain", response -> {
        slowResponse[0] = response;
        response.pause();
        slowStarted.complete();
      });
      return slowStarted.future()
          .compose(v -> app.caller.get(URI, "text/plain"))
          .compose(fast -> {
            testContext.verify(() -> {
              assertThat(fast.header("X-Campaign-Cache")).isEqualTo("shared");
              assertThat(fast.endedCleanly).isTrue();
              assertThat(isAllBig(fast.body())).isTrue();
              // The fast caller had it all while the slow one, paused, had not.
              assertThat(slow.isComplete()).as("the paused caller finished first").isFalse();
              assertThat(app.upstream.completedStreams()).isEqualTo(1);
            });
            slowResponse[0].resume();
            return slow;
          })
          .map(caughtUp -> {
            testContext.verify(() -> {
              // Within its lag bound, the slow caller loses nothing.
              assertThat(caughtUp.endedCleanly).as("failure: %s", caughtUp.failure).isTrue();
              assertThat(isAllBig(caughtUp.body())).isTrue();
              assertThat(app.upstream.requests()).hasSize(1);
            });
            return caughtUp;
          })
          // Also keeps the client reachable until then: Vert.x closes a client that is garbage collected.
          .eventually(slowReader::close);
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void aCallerFallingTooFarBehindIsCutWithTheErrorMarker(Vertx vertx, VertxTestContext testContext) {
    TestService.startSpread(vertx, json -> bigCampaigns(TestService.with(json, "cache", "maxLagChunks", 1_000)))
        .compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(BIG_DELTA).withChunks(BIG_CHUNKS)
          .withChunkInterval(Duration.ZERO));
      HttpClientResponse[] slowResponse = new HttpClientResponse[1];
      Promise<Void> slowStarted = Promise.promise();
      Caller slowReader = Caller.slowReader(vertx, app.caller.port());
      Future<CallerResponse> slow = slowReader.get(URI, "text/event-stream", response -> {
        slowResponse[0] = response;
        response.pause();
        slowStarted.complete();
      });
      return slowStarted.future()
          .compose(v -> app.caller.get(URI, "text/event-stream"))
          .compose(fast -> {
            testContext.verify(() -> {
              List<Event> events = fast.events();
              assertThat(events).hasSize(BIG_CHUNKS + 1);
              assertThat(events.get(BIG_CHUNKS).type()).isEqualTo("done");
            });
            slowResponse[0].resume();
            return slow;
          })
          .map(cut -> {
            testContext.verify(() -> {
              List<Event> events = cut.events();
              Event last = events.get(events.size() - 1);
              assertThat(last.type()).isEqualTo("error");
              assertThat(last.data()).isEqualTo(new JsonObject().put("status", 503)
                  .put("detail", "This connection fell more than 1000 pieces behind the campaign, try again"));
              List<Event> pieces = events.subList(0, events.size() - 1);
              assertThat(pieces.size()).isLessThan(BIG_CHUNKS);
              for (int i = 0; i < pieces.size(); i++) {
                assertThat(pieces.get(i).id()).isEqualTo(Integer.toString(i + 1));
                assertThat(pieces.get(i).data().getString("text")).isEqualTo(BIG_DELTA);
              }
              assertThat(app.upstream.requests()).hasSize(1);
            });
            return cut;
          })
          .compose(v -> Eventually.await(vertx, "every slot released", 2_000,
              () -> app.service.limiter().active() == 0))
          .eventually(slowReader::close);
    }).onComplete(testContext.succeedingThenComplete());
  }

  /** The 20-million-character campaigns above stay shareable from start to end. */
  private static JsonObject bigCampaigns(JsonObject json) {
    return TestService.with(json, "cache", "maxCampaignChars", 2 * BIG_CHUNKS * BIG_DELTA.length());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  void aCampaignLongerThanTheBoundStreamsOnButIsNeitherSharedNorCached(Vertx vertx, VertxTestContext testContext) {
    List<String> long20 = IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("%04d", i).repeat(250)).toList();
    TestService.startSpread(vertx, json -> TestService.with(json, "cache", "maxCampaignChars", 5_000)).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(long20).withChunkInterval(Duration.ofMillis(40)));
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(10)));
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS));
      Promise<Void> pastTheBound = Promise.promise();
      StringBuilder soFar = new StringBuilder();
      Future<CallerResponse> first = app.caller.watch(URI, "text/plain", read -> {
        soFar.append(read.toString(StandardCharsets.UTF_8));
        if (soFar.length() > 6_000) {
          pastTheBound.tryComplete();
        }
      });
      // Past the bound, the stream in flight no longer takes joiners: this caller gets a call of its own.
      Future<CallerResponse> second = pastTheBound.future().compose(v -> app.caller.get(URI, "text/plain"));
      return Future.all(first, second)
          // Nor is the long campaign in the cache once it is complete.
          .compose(both -> app.caller.get(URI, "text/plain").map(third -> {
            testContext.verify(() -> {
              assertThat(first.result().status).isEqualTo(200);
              assertThat(first.result().body()).isEqualTo(String.join("", long20));
              assertThat(first.result().endedCleanly).isTrue();
              assertThat(first.result().header("X-Campaign-Cache")).isEqualTo("miss");
              assertThat(second.result().header("X-Campaign-Cache")).isEqualTo("miss");
              assertThat(second.result().body()).isEqualTo(TEXT);
              // The second, short campaign is cached: the third caller gets it without a call.
              assertThat(third.header("X-Campaign-Cache")).isEqualTo("hit");
              assertThat(third.body()).isEqualTo(TEXT);
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return third;
          }));
    }).onComplete(testContext.succeedingThenComplete());
  }

  private static boolean isAllBig(String body) {
    return body.length() == BIG_CHUNKS * BIG_DELTA.length() && body.chars().allMatch(c -> c == 'x');
  }

  static String texts(List<Event> events) {
    return events.stream().filter(event -> event.type().equals("message"))
        .map(event -> event.data().getString("text")).collect(Collectors.joining());
  }
}
