package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.simulator.CampaignWriter;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code application/json} is one document written as the campaign is: a reader of the body as a
 * stream sees the text appear, a reader that parses at the end gets the same document as when it
 * was written all at once, and a cut leaves it unterminated.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class StreamedJsonTest {

  private static final List<String> DELTAS = List.of("Campaign", ":", " Café", " 漢字", " 🚀", " launch", "!");
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final String OPENING = "{\"prompt\":\"Acme\",\"campaign\":\"";

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      testContext.completeNow();
    }));
  }

  @Test
  void theOpeningAndTheFirstPieceArriveLongBeforeTheEnd(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(INTERVAL));
    app.caller.get("/campaign?prompt=Acme", "application/json")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
          assertThat(seen.endedCleanly).isTrue();
          // The first read is the document's opening with the first piece, and nothing more: the
          // other pieces were still to be written, INTERVAL apart.
          assertThat(seen.reads.get(0).toString(StandardCharsets.UTF_8)).isEqualTo(OPENING + DELTAS.get(0));
          assertThat(seen.msFromFirstReadToEnd()).isGreaterThanOrEqualTo(INTERVAL.toMillis() * (DELTAS.size() - 2));
          assertThat(seen.reads.get(1).toString(StandardCharsets.UTF_8)).isEqualTo(DELTAS.get(1));
          // Parsed at the end, it is the document CampaignRepresentationsTest reads.
          assertThat(seen.json().fieldNames()).containsExactly("prompt", "campaign", "model", "finish_reason", "usage");
          assertThat(seen.json().getString("campaign")).isEqualTo(String.join("", DELTAS));
          testContext.completeNow();
        })));
  }

  /**
   * Each brand gets the simulator's campaign for it, which quotes the brand several times among
   * typographic quotes, dashes and emoji: the streamed document is byte for byte the one
   * {@code JsonObject.encode()} makes of the same fields, with non-ASCII text raw.
   */
  @Test
  void everyKindOfBrandRoundTripsThroughTheStreamedDocumentExactly(VertxTestContext testContext) {
    List<String> brands = List.of("\"quoted\"", "back\\slash", "\\\"both\\", "🚀 Rocket 🚀", "Café 漢字 Ünï",
        "</script>", "a;b & <c>", "{B} $1 \\u0041", "true");
    app.upstream.setDefaultBehaviour(Behaviour.stream().withChunkInterval(Duration.ofMillis(2)));
    Future.all(brands.stream().map(brand -> app.caller.get("/campaign?prompt=" + encode(brand), "application/json"))
            .toList())
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          for (int i = 0; i < brands.size(); i++) {
            String brand = brands.get(i);
            CallerResponse seen = all.resultAt(i);
            assertThat(seen.status).as(brand).isEqualTo(200);
            assertStreamed(seen);
            JsonObject body = seen.json();
            assertThat(body.getString("prompt")).as(brand).isEqualTo(brand);
            assertThat(body.getString("campaign")).as(brand).isEqualTo(CampaignWriter.write(brand));
            assertThat(seen.body()).as(brand).isEqualTo(asWhole(body))
                .contains(brand.replace("\\", "\\\\").replace("\"", "\\\""));
          }
          testContext.completeNow();
        })));
  }

  @Test
  void controlCharactersInTheTextAreEscapedAndEverythingElseIsLeftRaw(VertxTestContext testContext) {
    List<String> deltas = List.of("Tab\t", "\u0001", "CR LF\r\n", "\"q\"", "\\", "\u2028", "é🚀", "\\u0041", "/");
    app.upstream.enqueue(Behaviour.stream().withDeltas(deltas).withChunkInterval(Duration.ofMillis(20)));
    app.caller.get("/campaign?prompt=Acme", "application/json")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertStreamed(seen);
          JsonObject body = seen.json();
          assertThat(body.getString("campaign")).isEqualTo(String.join("", deltas));
          assertThat(seen.body()).isEqualTo(asWhole(body))
              .contains("Tab\\t\\u0001CR LF\\r\\n\\\"q\\\"\\\\\u2028é🚀\\\\u0041/");
          testContext.completeNow();
        })));
  }

  @Test
  void aCutAfterTheFirstPieceLeavesTheDocumentUnterminated(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.cutAfter(2).withDeltas(DELTAS).withChunkInterval(Duration.ofMillis(20)));
    app.caller.get("/campaign?prompt=Acme", "application/json")
        .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
          assertThat(seen.status).isEqualTo(200);
          assertThat(seen.endedCleanly).as("a transfer without its last chunk").isFalse();
          assertThat(seen.failure).isNotNull();
          assertThat(seen.body()).isEqualTo(OPENING + DELTAS.get(0) + DELTAS.get(1));
          assertThatThrownBy(seen::json).isInstanceOf(DecodeException.class);
          testContext.completeNow();
        })));
  }

  /** A joiner gets the opening and all that was written at once, then follows; a hit replays it: one document. */
  @Test
  void aSharedStreamAndACacheHitGiveTheSameDocument(VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas(DELTAS).withChunkInterval(INTERVAL));
    String soFar = OPENING + String.join("", DELTAS.subList(0, 3));
    Promise<CallerResponse> joined = Promise.promise();
    Buffer readByFirst = Buffer.buffer();
    Future<CallerResponse> first = app.caller.watch("/campaign?prompt=Acme", "application/json", read -> {
      boolean had = readByFirst.toString(StandardCharsets.UTF_8).startsWith(soFar);
      readByFirst.appendBuffer(read);
      if (!had && readByFirst.toString(StandardCharsets.UTF_8).startsWith(soFar)) {
        app.caller.get("/campaign?prompt=Acme", "application/json").onComplete(joined);
      }
    });
    Future.all(first, joined.future())
        .compose(both -> app.caller.get("/campaign?prompt=Acme", "application/json"))
        .onComplete(testContext.succeeding(hit -> testContext.verify(() -> {
          CallerResponse shared = joined.future().result();
          assertThat(shared.header("X-Campaign-Cache")).isEqualTo("shared");
          assertThat(shared.reads.get(0).toString(StandardCharsets.UTF_8)).isEqualTo(soFar);
          assertStreamed(shared);
          assertThat(hit.header("X-Campaign-Cache")).isEqualTo("hit");
          assertThat(app.upstream.requests()).hasSize(1);
          assertThat(shared.body()).isEqualTo(first.result().body());
          assertThat(hit.body()).isEqualTo(first.result().body());
          assertThat(hit.json().getString("campaign")).isEqualTo(String.join("", DELTAS));
          testContext.completeNow();
        })));
  }

  /** The document began reaching the caller before its end was written. */
  private static void assertStreamed(CallerResponse seen) {
    assertThat(seen.reads.get(0).toString(StandardCharsets.UTF_8)).startsWith("{\"prompt\":")
        .doesNotContain("\"finish_reason\":");
  }

  /** The document as it was written before it streamed: the same fields, encoded at once. */
  private static String asWhole(JsonObject body) {
    return new JsonObject()
        .put("prompt", body.getString("prompt"))
        .put("campaign", body.getString("campaign"))
        .put("model", body.getString("model"))
        .put("finish_reason", body.getString("finish_reason"))
        .put("usage", body.getJsonObject("usage"))
        .encode();
  }

  private static String encode(String brand) {
    return URLEncoder.encode(brand, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
