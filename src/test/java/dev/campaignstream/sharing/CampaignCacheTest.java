package dev.campaignstream.sharing;

import static dev.campaignstream.sharing.CoalescingTest.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.CallerResponse.Event;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Completed campaigns are served again from the cache, in every representation, until they expire. */
@ExtendWith(VertxExtension.class)
class CampaignCacheTest {

  private static final List<String> DELTAS = List.of("Campaign", ":", " Café", " 漢字", " 🚀", " launch", "!");
  private static final String TEXT = String.join("", DELTAS);
  private static final List<String> NEW_DELTAS = List.of("A", " fresh", " one");
  private static final String URI = "/campaign?prompt=Acme";

  private static Future<TestService> start(Vertx vertx, UnaryOperator<JsonObject> configure) {
    return TestService.start(vertx, configure).map(app -> {
      app.upstream.setDefaultBehaviour(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(5)));
      return app;
    });
  }

  private static Future<CallerResponse> get(TestService app, String uri, String accept, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    all.put("Accept", accept);
    return app.caller.request(HttpMethod.GET, uri, all, response -> { });
  }

  @Test
  void aHitIsServedInEveryRepresentationWithItsEventIds(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "application/json")
        .compose(miss -> app.caller.get(URI, "text/plain")
            .compose(plain -> app.caller.get(URI, "text/event-stream")
                .compose(events -> app.caller.get(URI, "application/json")
                    .map(json -> {
                      testContext.verify(() -> {
                        assertThat(miss.header("X-Campaign-Cache")).isEqualTo("miss");
                        assertThat(app.upstream.requests()).hasSize(1);

                        assertThat(plain.status).isEqualTo(200);
                        assertThat(plain.header("X-Campaign-Cache")).isEqualTo("hit");
                        assertThat(plain.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
                        assertThat(plain.header("Transfer-Encoding")).isEqualTo("chunked");
                        assertThat(plain.endedCleanly).isTrue();
                        // The stored pieces are all ready: they go out together, not one write each.
                        assertThat(plain.body()).isEqualTo(TEXT);
                        assertThat(plain.reads).hasSizeLessThan(DELTAS.size());

                        assertThat(events.header("X-Campaign-Cache")).isEqualTo("hit");
                        List<Event> received = events.events();
                        assertThat(received).hasSize(DELTAS.size() + 1);
                        for (int i = 0; i < DELTAS.size(); i++) {
                          assertThat(received.get(i).id()).isEqualTo(Integer.toString(i + 1));
                          assertThat(received.get(i).data()).isEqualTo(new JsonObject().put("text", DELTAS.get(i)));
                        }
                        Event done = received.get(DELTAS.size());
                        assertThat(done.type()).isEqualTo("done");
                        assertThat(done.data()).isEqualTo(new JsonObject().put("finish_reason", "stop")
                            .put("usage", miss.json().getJsonObject("usage")).put("cached", true));

                        assertThat(json.header("X-Campaign-Cache")).isEqualTo("hit");
                        assertThat(json.header("Content-Type")).isEqualTo("application/json");
                        assertThat(json.json()).isEqualTo(miss.json());
                        assertThat(json.json().getString("campaign")).isEqualTo(TEXT);
                        assertThat(json.json().getString("model")).isEqualTo("gpt-test");
                        assertThat(app.upstream.requests()).hasSize(1);
                      });
                      return json;
                    })))))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aMissSaysSoAndItsDoneEventIsNotCached(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "text/event-stream"))
        .onComplete(testContext.succeeding(miss -> testContext.verify(() -> {
          assertThat(miss.header("X-Campaign-Cache")).isEqualTo("miss");
          List<Event> received = miss.events();
          assertThat(received.get(received.size() - 1).data().getBoolean("cached")).isFalse();
          testContext.completeNow();
        })));
  }

  @Test
  void brandsDifferingOnlyInCaseSpacesOrUnicodeCompositionAreOneCampaign(Vertx vertx, VertxTestContext testContext) {
    // "Café" precomposed, then shouted with spaces around, then with a combining accent.
    start(vertx, json -> json).compose(app -> app.caller.get("/campaign?prompt=Caf%C3%A9", "application/json")
        .compose(first -> app.caller.get("/campaign?prompt=%20%20CAF%C3%89%20", "application/json")
            .compose(second -> app.caller.get("/campaign?prompt=cafe%CC%81", "application/json")
                .map(third -> {
                  testContext.verify(() -> {
                    assertThat(app.upstream.requests()).hasSize(1);
                    assertThat(List.of(second, third)).extracting(seen -> seen.header("X-Campaign-Cache"))
                        .containsExactly("hit", "hit");
                    // Each caller's own brand, the shared text.
                    assertThat(first.json().getString("prompt")).isEqualTo("Café");
                    assertThat(second.json().getString("prompt")).isEqualTo("  CAFÉ ");
                    assertThat(third.json().getString("prompt")).isEqualTo("cafe\u0301");
                    assertThat(List.of(first, second, third)).extracting(seen -> seen.json().getString("campaign"))
                        .containsOnly(TEXT);
                  });
                  return third;
                }))))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anEntryExpiresAfterItsTtl(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> TestService.with(json, "cache", "ttlMs", 300)).compose(app -> app.caller.get(URI, null)
        .compose(miss -> app.caller.get(URI, null)
            .compose(hit -> Eventually.sleep(vertx, 400).compose(v -> app.caller.get(URI, null))
                .map(expired -> {
                  testContext.verify(() -> {
                    assertThat(List.of(miss, hit, expired)).extracting(seen -> seen.header("X-Campaign-Cache"))
                        .containsExactly("miss", "hit", "miss");
                    assertThat(List.of(miss, hit, expired)).extracting(CallerResponse::body).containsOnly(TEXT);
                    assertThat(app.upstream.requests()).hasSize(2);
                  });
                  return expired;
                }))))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void noCacheMakesANewCallAndRefreshesTheEntry(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "text/plain")
        .compose(old -> {
          app.upstream.enqueue(Behaviour.stream().withDeltas(NEW_DELTAS));
          return get(app, URI, "text/plain", Map.of("Cache-Control", "no-cache"))
              .compose(fresh -> app.caller.get(URI, "text/plain")
                  .compose(after -> app.caller.get(URI, "text/event-stream")
                      .map(events -> {
                        testContext.verify(() -> {
                          assertThat(old.body()).isEqualTo(TEXT);
                          assertThat(fresh.header("X-Campaign-Cache")).isEqualTo("miss");
                          assertThat(fresh.body()).isEqualTo(String.join("", NEW_DELTAS));
                          // The refreshed campaign is what everyone gets from now on.
                          assertThat(after.header("X-Campaign-Cache")).isEqualTo("hit");
                          assertThat(after.body()).isEqualTo(String.join("", NEW_DELTAS));
                          assertThat(texts(events.events())).isEqualTo(String.join("", NEW_DELTAS));
                          assertThat(app.upstream.requests()).hasSize(2);
                        });
                        return events;
                      })));
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void noCacheAmongOtherDirectivesWorksForJsonToo(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "application/json")
        .compose(old -> {
          app.upstream.enqueue(Behaviour.stream().withDeltas(NEW_DELTAS));
          return get(app, URI, "application/json", Map.of("Cache-Control", "max-age=0, No-Cache"))
              .compose(fresh -> app.caller.get(URI, "application/json").map(after -> {
                testContext.verify(() -> {
                  assertThat(fresh.header("X-Campaign-Cache")).isEqualTo("miss");
                  assertThat(fresh.json().getString("campaign")).isEqualTo(String.join("", NEW_DELTAS));
                  assertThat(after.json()).isEqualTo(fresh.json());
                  assertThat(app.upstream.requests()).hasSize(2);
                });
                return after;
              }));
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** A header sent on several lines is one list, as HTTP defines it. */
  @Test
  void noCacheOnASecondHeaderLineCountsToo(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "text/plain")
        .compose(old -> {
          app.upstream.enqueue(Behaviour.stream().withDeltas(NEW_DELTAS));
          HttpClient client = vertx.createHttpClient();
          return client.request(new RequestOptions().setHost("127.0.0.1").setPort(app.caller.port()).setURI(URI)
                  .addHeader("Cache-Control", "max-age=0").addHeader("Cache-Control", "no-cache"))
              .compose(request -> request.send().compose(response -> response.body().map(body -> {
                testContext.verify(() -> {
                  assertThat(response.getHeader("X-Campaign-Cache")).isEqualTo("miss");
                  assertThat(body.toString()).isEqualTo(String.join("", NEW_DELTAS));
                  assertThat(app.upstream.requests()).hasSize(2);
                });
                return body;
              })))
              .eventually(client::close);
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  /** What every browser EventSource sends on its own cannot mean "refresh". */
  @Test
  void noCacheOnAnEventStreamIsIgnored(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> app.caller.get(URI, "text/plain")
        .compose(miss -> get(app, URI, "text/event-stream", Map.of("Cache-Control", "no-cache", "Pragma", "no-cache"))
            .map(events -> {
              testContext.verify(() -> {
                assertThat(events.header("X-Campaign-Cache")).isEqualTo("hit");
                assertThat(texts(events.events())).isEqualTo(TEXT);
                assertThat(app.upstream.requests()).hasSize(1);
              });
              return events;
            })))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void failedStreamsAreNotCached(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> {
      app.upstream.enqueue(Behaviour.cutAfter(3).withDeltas(DELTAS), Behaviour.serverError());
      return app.caller.get(URI, "text/event-stream")
          .compose(cut -> app.caller.get(URI, "text/plain")
              .compose(refused -> app.caller.get(URI, "text/plain")
                  .map(complete -> {
                    testContext.verify(() -> {
                      assertThat(cut.events().get(cut.events().size() - 1).type()).isEqualTo("error");
                      assertThat(refused.status).isEqualTo(503);
                      assertThat(complete.header("X-Campaign-Cache")).isEqualTo("miss");
                      assertThat(complete.body()).isEqualTo(TEXT);
                      assertThat(app.upstream.requests()).hasSize(3);
                      assertThat(app.service.sharedStreams()).isZero();
                    });
                    return complete;
                  })));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void cancelledStreamsAreNotCached(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(50)));
      return app.caller.get(URI, "text/plain", response -> response.handler(first -> response.request().connection()
              .close()))
          .recover(closed -> Future.succeededFuture())
          .compose(v -> Eventually.await(vertx, "upstream aborted", 2_000, () -> app.upstream.abortedStreams() == 1))
          .compose(v -> app.caller.get(URI, "text/plain"))
          .map(next -> {
            testContext.verify(() -> {
              assertThat(next.header("X-Campaign-Cache")).isEqualTo("miss");
              assertThat(next.body()).isEqualTo(TEXT);
              assertThat(app.upstream.requests()).hasSize(2);
            });
            return next;
          });
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aFilteredCampaignIsNotCachedButOneCutAtTheModelsLengthIs(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> json).compose(app -> {
      app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withFinishReason("content_filter"),
          Behaviour.stream().withDeltas(NEW_DELTAS).withFinishReason("length"));
      return app.caller.get(URI, "application/json")
          .compose(filtered -> app.caller.get(URI, "application/json")
              .compose(length -> app.caller.get(URI, "application/json")
                  .map(hit -> {
                    testContext.verify(() -> {
                      assertThat(filtered.json().getString("finish_reason")).isEqualTo("content_filter");
                      assertThat(length.header("X-Campaign-Cache")).isEqualTo("miss");
                      assertThat(length.json().getString("finish_reason")).isEqualTo("length");
                      assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
                      assertThat(hit.json()).isEqualTo(length.json());
                      assertThat(app.upstream.requests()).hasSize(2);
                    });
                    return hit;
                  })));
    }).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void withTheCacheOffEveryRequestMakesItsOwnCall(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> TestService.with(json, "cache", "enabled", false)).compose(app -> {
      Future<CallerResponse> one = app.caller.get(URI, "text/plain");
      Future<CallerResponse> two = app.caller.get(URI, "text/plain");
      return Future.all(one, two).compose(both -> app.caller.get(URI, "text/plain")).map(three -> {
        testContext.verify(() -> {
          assertThat(List.of(one.result(), two.result(), three)).extracting(seen -> seen.header("X-Campaign-Cache"))
              .containsOnly("miss");
          assertThat(List.of(one.result(), two.result(), three)).extracting(CallerResponse::body).containsOnly(TEXT);
          assertThat(app.upstream.requests()).hasSize(3);
        });
        return three;
      });
    }).onComplete(testContext.succeedingThenComplete());
  }

  /** Hits hold a slot like any caller: at the cap they are shed too, and they free their slot. */
  @Test
  void hitsCountAgainstTheStreamCap(Vertx vertx, VertxTestContext testContext) {
    start(vertx, json -> TestService.with(json, "http", "maxConcurrentStreams", 1)).compose(app -> app.caller.get(URI,
            "text/plain")
        .compose(miss -> {
          app.upstream.enqueue(Behaviour.hang());
          Future<CallerResponse> holding = app.caller.get("/campaign?prompt=Other", "text/plain");
          return Eventually.await(vertx, "the slot held", 2_000, () -> app.upstream.activeStreams() == 1)
              .compose(v -> app.caller.get(URI, "text/plain"))
              .map(shed -> {
                testContext.verify(() -> {
                  assertThat(shed.status).isEqualTo(503);
                  assertThat(shed.header("Retry-After")).isEqualTo("1");
                });
                return holding;
              });
        })
        .compose(v -> Eventually.await(vertx, "the hung stream timed out", 5_000,
            () -> app.service.limiter().active() == 0))
        .compose(v -> app.caller.get(URI, "text/plain"))
        .map(hit -> {
          testContext.verify(() -> {
            assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
            assertThat(app.service.limiter().active()).isZero();
          });
          return hit;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }
}
