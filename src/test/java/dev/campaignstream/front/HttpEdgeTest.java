package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.RawHttp;
import dev.campaignstream.support.RawHttp.Answer;
import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a caller sees at the edge: framing, methods, errors below the router, timeouts, HTTP/1.0, HTTP/2. */
@ExtendWith(VertxExtension.class)
class HttpEdgeTest {

  static final long HEAD_TIMEOUT_MS = 600;
  static final long IDLE_TIMEOUT_MS = 600;
  private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";

  private TestService app;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx, json -> TestService.with(TestService.with(json,
            "http", "requestHeadTimeoutMs", HEAD_TIMEOUT_MS), "http", "idleTimeoutMs", IDLE_TIMEOUT_MS))
        .onComplete(testContext.succeeding(started -> {
          app = started;
          port = started.service.httpPort();
          testContext.completeNow();
        }));
  }

  /** RFC 9112 sections 3.2, 6.1 and 6.3: each is 400, and the bytes after it are never read as a request. */
  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void ambiguousFramingIs400AndClosesTheConnection(VertxTestContext testContext) throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("Content-Length with Transfer-Encoding",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding with Content-Length",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n");
    cases.put("unknown transfer coding",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
    cases.put("repeated transfer coding",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n");
    cases.put("two Transfer-Encoding headers",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    cases.put("coding before chunked",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding in HTTP/1.0",
        "GET /health/live HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    cases.put("duplicate Content-Length",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n");
    cases.put("conflicting Content-Length",
        "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n");
    cases.put("Content-Length list", "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 0\r\n\r\n");
    cases.put("Content-Length not a number", "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n");
    cases.put("two Host headers", "GET /health/live HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n");
    cases.put("no Host in HTTP/1.1", "GET /health/live HTTP/1.1\r\n\r\n");
    cases.put("space before the colon", "GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length : 0\r\n\r\n");
    cases.put("bare LF", "GET /health/live HTTP/1.1\nHost: x\n\n");
    cases.put("bare CR", "GET /health/live HTTP/1.1\rHost: x\r\n\r\n");
    cases.put("NUL in a header", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n");
    cases.put("obs-fold with a space", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n GET /x HTTP/1.1\r\n\r\n");
    cases.put("obs-fold with a tab", "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n");
    cases.put("white space after the request line", "GET /health/live HTTP/1.1\r\n Host: x\r\n\r\n");
    SoftAssertions softly = new SoftAssertions();
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      Answer answer = RawHttp.send(port, bad.getValue() + LIVE, 3000);
      softly.assertThat(answer.statusLine()).as(bad.getKey()).matches("HTTP/1\\.[01] 400 .*");
      softly.assertThat(answer.text()).as(bad.getKey()).contains("application/problem+json");
      softly.assertThat(answer.responses()).as(bad.getKey() + ": responses").isEqualTo(1);
      softly.assertThat(answer.closed()).as(bad.getKey() + ": closed").isTrue();
    }
    testContext.verify(softly::assertAll);
    testContext.completeNow();
  }

  /** Folding is refused only at a line's start: white space inside a value, and a value spread over reads, are fine. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void whiteSpaceInsideValuesAndPipelinedRequestsAreNotFolds(VertxTestContext testContext) throws Exception {
    Answer answer = RawHttp.send(port, "GET /echo?input_value=hi HTTP/1.1\r\nHost: x\r\nX-Spaced: a \t b\r\n\r\n"
        + LIVE.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), 3000);
    testContext.verify(() -> {
      assertThat(answer.responses()).isEqualTo(2);
      assertThat(answer.text()).contains("\"hi\"").contains("\"UP\"");
    });
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void knownMethodsGet405WithAllowAndOptionsAnswersAllow(VertxTestContext testContext) throws Exception {
    Answer post = RawHttp.send(port, "POST /campaign?prompt=Acme HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 1000);
    Answer delete = RawHttp.send(port, "DELETE /health/live HTTP/1.1\r\nHost: x\r\n\r\n", 1000);
    Answer options = RawHttp.send(port, "OPTIONS /campaign HTTP/1.1\r\nHost: x\r\n\r\n", 1000);
    Answer star = RawHttp.send(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 1000);
    testContext.verify(() -> {
      assertThat(post.statusLine()).startsWith("HTTP/1.1 405");
      assertThat(post.text()).containsIgnoringCase("allow: GET, HEAD, OPTIONS").contains("application/problem+json");
      assertThat(delete.statusLine()).startsWith("HTTP/1.1 405");
      assertThat(delete.text()).containsIgnoringCase("allow: GET, HEAD, OPTIONS");
      assertThat(options.statusLine()).startsWith("HTTP/1.1 204");
      assertThat(options.text()).containsIgnoringCase("allow: GET, HEAD, OPTIONS");
      assertThat(star.statusLine()).startsWith("HTTP/1.1 204");
    });
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void headIsAnsweredWhereverGetIsWithoutABodyOrACampaign(VertxTestContext testContext) throws Exception {
    int before = app.upstream.startedStreams();
    SoftAssertions softly = new SoftAssertions();
    for (String path : new String[] {"/health/live", "/openapi.yaml", "/openapi.json",
        "/echo?input_value=hi", "/campaign?prompt=Acme"}) {
      Answer head = RawHttp.send(port, "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
      softly.assertThat(head.statusLine()).as(path).isEqualTo("HTTP/1.1 200 OK");
      softly.assertThat(head.text()).as(path + " ends after the head").endsWith("\r\n\r\n");
    }
    Answer missing = RawHttp.send(port, "HEAD /campaign HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
    softly.assertThat(missing.statusLine()).startsWith("HTTP/1.1 400");
    softly.assertThat(missing.text()).endsWith("\r\n\r\n");
    softly.assertThat(app.upstream.startedStreams()).as("campaigns started for HEAD").isEqualTo(before);
    testContext.verify(softly::assertAll);
    testContext.completeNow();
  }

  /** What the decoder refuses below the router is a problem document too, and closes the connection. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void errorsBelowTheRouterAreProblems(VertxTestContext testContext) throws Exception {
    Answer longLine = RawHttp.send(port, "GET /echo?input_value=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
    Answer bigHeaders = RawHttp.send(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000)
        + "\r\n\r\n", 3000);
    Answer garbage = RawHttp.send(port, "\u0001\u0002 nonsense\r\n\r\n", 3000);
    testContext.verify(() -> {
      // Vert.x answers in HTTP/1.0 when it could not read the version.
      assertThat(longLine.statusLine()).matches("HTTP/1\\.[01] 414 .*");
      assertThat(bigHeaders.statusLine()).matches("HTTP/1\\.[01] 431 .*");
      assertThat(garbage.statusLine()).matches("HTTP/1\\.[01] 400 .*");
      for (Answer answer : new Answer[] {longLine, bigHeaders, garbage}) {
        assertThat(answer.text()).contains("application/problem+json").contains("\"status\":");
        assertThat(answer.closed()).isTrue();
      }
    });
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aConnectionWithoutAWholeHeadInTimeIsClosed(VertxTestContext testContext) throws Exception {
    try (Socket silent = new Socket("127.0.0.1", port); Socket slow = new Socket("127.0.0.1", port)) {
      for (char c : "GET /health/live HTTP/1.1\r\n".toCharArray()) {
        slow.getOutputStream().write(c);
        Thread.sleep(HEAD_TIMEOUT_MS / 10);
        if (slow.isClosed()) {
          break;
        }
      }
      Answer silentAnswer = RawHttp.read(silent, 5 * HEAD_TIMEOUT_MS);
      Answer slowAnswer = RawHttp.read(slow, 5 * HEAD_TIMEOUT_MS);
      testContext.verify(() -> {
        assertThat(silentAnswer.closed()).isTrue();
        assertThat(silentAnswer.statusLine()).startsWith("HTTP/1.1 408");
        assertThat(slowAnswer.closed()).isTrue();
        assertThat(slowAnswer.text()).contains("application/problem+json");
      });
    } catch (java.net.SocketException closedWhileWriting) {
      // The server closed the slow one in the middle of its head: what is wanted.
    }
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void anIdleKeepAliveConnectionIsClosed(VertxTestContext testContext) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(LIVE.getBytes());
      Answer answer = RawHttp.read(socket, 5 * IDLE_TIMEOUT_MS);
      testContext.verify(() -> {
        assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(answer.closed()).as("closed once idle").isTrue();
      });
    }
    testContext.completeNow();
  }

  /** Quiet between chunks, and a caller reading nothing, each for longer than both timeouts. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void aQuietStreamOrAPausedReaderIsNeverIdle(Vertx vertx, VertxTestContext testContext) {
    app.upstream.enqueue(Behaviour.stream().withDeltas("One", " two", " three").withChunks(3)
        .withChunkInterval(Duration.ofMillis(2 * IDLE_TIMEOUT_MS)));
    app.upstream.enqueue(Behaviour.stream().withDeltas("Four", " five").withChunks(2)
        .withChunkInterval(Duration.ZERO));
    app.caller.get("/campaign?prompt=Quiet", "text/plain")
        .compose(quiet -> {
          testContext.verify(() -> {
            assertThat(quiet.endedCleanly).as("quiet stream ended cleanly").isTrue();
            assertThat(quiet.body()).isEqualTo("One two three");
          });
          return app.caller.get("/campaign?prompt=Paused", "text/plain", response -> {
            response.pause();
            vertx.setTimer(3 * IDLE_TIMEOUT_MS, t -> response.resume());
          });
        })
        .onComplete(testContext.succeeding(paused -> testContext.verify(() -> {
          assertThat(paused.endedCleanly).as("paused reader's stream ended cleanly").isTrue();
          assertThat(paused.body()).isEqualTo("Four five");
          testContext.completeNow();
        })));
  }

  /** Without chunked encoding, a complete text has a length, and a cut one is an error status. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void http10PlainTextIsSentWholeOrNotAtAll(VertxTestContext testContext) throws Exception {
    app.upstream.enqueue(Behaviour.stream().withDeltas("One", " two").withChunks(2));
    Answer whole = RawHttp.send(port, "GET /campaign?prompt=Whole HTTP/1.0\r\nAccept: text/plain\r\n\r\n", 5000);
    app.upstream.enqueue(Behaviour.cutAfter(2).withDeltas("One", " two", " three"));
    Answer cut = RawHttp.send(port, "GET /campaign?prompt=Cut HTTP/1.0\r\nAccept: text/plain\r\n\r\n", 5000);
    testContext.verify(() -> {
      assertThat(whole.statusLine()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(whole.text()).containsIgnoringCase("content-length: 7").endsWith("\r\n\r\nOne two")
          .doesNotContainIgnoringCase("transfer-encoding");
      assertThat(cut.statusLine()).startsWith("HTTP/1.0 5");
      assertThat(cut.text()).contains("application/problem+json").doesNotContain("One two");
    });
    testContext.completeNow();
  }

  /** Cleartext HTTP/2 is off: neither prior knowledge nor an upgrade gets an HTTP/2 connection. */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void cleartextHttp2IsNotSpoken(VertxTestContext testContext) throws Exception {
    Answer priorKnowledge = RawHttp.send(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 2000);
    Answer upgrade = RawHttp.send(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n", 2000);
    testContext.verify(() -> {
      // An HTTP/2 server answers the preface with a SETTINGS frame, never an HTTP/1.1 status line.
      assertThat(priorKnowledge.text()).startsWith("HTTP/").contains(" 505 ").contains("application/problem+json");
      assertThat(upgrade.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    });
    testContext.completeNow();
  }
}
