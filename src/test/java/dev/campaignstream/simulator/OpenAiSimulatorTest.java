package dev.campaignstream.simulator;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class OpenAiSimulatorTest {

  private static final String MODEL = "gpt-4o-mini";
  /** Emoji, quotes, %, + and < in one brand: exercises JSON escaping and multi-byte UTF-8. */
  private static final String BRAND = "Zoë's \"🚀\" 100% +<b>";

  private OpenAiSimulator sim;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(32));
    OpenAiSimulator.start(vertx, SimulatorOptions.forTests()).onComplete(ctx.succeeding(s -> {
      sim = s;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close().compose(v -> sim.close()).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- normal responses

  @Test
  void streamFollowsTheDocumentedChunkSequence(VertxTestContext ctx) {
    List<String> expected = CampaignWriter.deltas(BRAND);
    sim.setDefaultBehaviour(Behaviour.stream().withChunkInterval(Duration.ZERO));
    send(chatBody(BRAND, true, true), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.status).isEqualTo(200);
      assertThat(r.error).isNull();
      assertThat(r.headers.get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
      assertThat(r.headers.get("cache-control")).isEqualTo("no-cache");
      assertThat(r.headers.get("transfer-encoding")).isEqualTo("chunked");
      assertThat(r.headers.get("x-request-id")).startsWith("req_");
      assertThat(r.headers.get("openai-processing-ms")).containsOnlyDigits();
      assertThat(r.headers.get("x-ratelimit-remaining-requests")).isEqualTo("9999");

      List<String> data = dataPayloads(r.body);
      // role + content chunks + finish + usage + [DONE]
      assertThat(data).hasSize(expected.size() + 4);
      assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");

      List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
      JsonObject first = chunks.get(0);
      String id = first.getString("id");
      assertThat(id).startsWith("chatcmpl-").hasSize("chatcmpl-".length() + 29);
      for (JsonObject c : chunks) {
        assertThat(c.getString("id")).isEqualTo(id);
        assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
        assertThat(c.getString("model")).isEqualTo(MODEL);
        assertThat(c.getLong("created")).isEqualTo(first.getLong("created"));
        assertThat(c.getString("system_fingerprint")).isEqualTo(ChunkFormat.FINGERPRINT);
      }
      JsonObject roleChoice = first.getJsonArray("choices").getJsonObject(0);
      assertThat(roleChoice.getJsonObject("delta"))
        .isEqualTo(new JsonObject().put("role", "assistant").put("content", "").putNull("refusal"));
      assertThat(roleChoice.containsKey("finish_reason")).isTrue();
      assertThat(roleChoice.getValue("finish_reason")).isNull();
      assertThat(first.containsKey("usage")).isTrue();
      assertThat(first.getValue("usage")).isNull();

      StringBuilder text = new StringBuilder();
      for (int i = 0; i < expected.size(); i++) {
        JsonObject choice = chunks.get(1 + i).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getInteger("index")).isEqualTo(0);
        assertThat(choice.getJsonObject("delta")).isEqualTo(new JsonObject().put("content", expected.get(i)));
        assertThat(choice.getValue("finish_reason")).isNull();
        text.append(choice.getJsonObject("delta").getString("content"));
      }
      assertThat(text.toString()).isEqualTo(CampaignWriter.write(BRAND)).contains(BRAND);

      JsonObject finish = chunks.get(expected.size() + 1).getJsonArray("choices").getJsonObject(0);
      assertThat(finish.getJsonObject("delta")).isEqualTo(new JsonObject());
      assertThat(finish.getString("finish_reason")).isEqualTo("stop");

      JsonObject usageChunk = chunks.get(expected.size() + 2);
      assertThat(usageChunk.getJsonArray("choices")).isEqualTo(new JsonArray());
      JsonObject usage = usageChunk.getJsonObject("usage");
      assertThat(usage.getInteger("completion_tokens")).isEqualTo(expected.size());
      assertThat(usage.getInteger("prompt_tokens")).isPositive();
      assertThat(usage.getInteger("total_tokens"))
        .isEqualTo(usage.getInteger("prompt_tokens") + expected.size());

      assertCounters(1, 1, 0, 0, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void explicitDeltasWithoutIncludeUsageHaveNoUsageChunk(VertxTestContext ctx) {
    sim.enqueue(Behaviour.stream().withDeltas("Hel", "lo", " \"wörld\"", "\n", " 🚀").withFinishReason("length"));
    send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      List<String> data = dataPayloads(r.body);
      assertThat(data).hasSize(5 + 3);
      assertThat(contentOf(data)).isEqualTo("Hello \"wörld\"\n 🚀");
      assertThat(r.body).doesNotContain("usage");
      JsonObject finish = new JsonObject(data.get(6)).getJsonArray("choices").getJsonObject(0);
      assertThat(finish.getString("finish_reason")).isEqualTo("length");
      assertThat(data.get(7)).isEqualTo("[DONE]");
      ctx.completeNow();
    })));
  }

  @Test
  void chunkCountRepeatsOrTruncatesTheSource(VertxTestContext ctx) {
    List<String> campaign = CampaignWriter.deltas(BRAND);
    int n = campaign.size() * 2 + 5;
    sim.enqueue(Behaviour.stream().withChunks(n), Behaviour.stream().withDeltas("a", "b", "c").withChunks(7),
      Behaviour.stream().withChunks(3));
    Checkpoint done = ctx.checkpoint(3);
    send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      String text = contentOf(dataPayloads(r.body));
      String full = CampaignWriter.write(BRAND);
      assertThat(dataPayloads(r.body)).hasSize(n + 3);
      assertThat(text).startsWith(full + "\n\n" + full + "\n\n");
      done.flag();
      send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        assertThat(contentOf(dataPayloads(r2.body))).isEqualTo("abcabca");
        done.flag();
        send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r3 -> ctx.verify(() -> {
          assertThat(contentOf(dataPayloads(r3.body))).isEqualTo(String.join("", campaign.subList(0, 3)));
          done.flag();
        })));
      })));
    })));
  }

  @Test
  void recordsEveryRequestWithHeadersAndBody(VertxTestContext ctx) {
    JsonObject body = chatBody(BRAND, true, true);
    long before = System.nanoTime();
    RequestOptions options = chatRequest(true).putHeader("x-trace", "abc-123");
    exchange(options, body).compose(r -> exchange(chatRequest(true).setURI("/v1/models").setMethod(HttpMethod.GET),
        null))
      .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
        assertThat(r.status).isEqualTo(404);
        assertThat(new JsonObject(r.body).getJsonObject("error").getString("type"))
          .isEqualTo("invalid_request_error");
        List<RecordedRequest> seen = sim.requests();
        assertThat(seen).hasSize(2);
        RecordedRequest first = seen.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/v1/chat/completions");
        assertThat(first.headers().get("Authorization")).isEqualTo("Bearer sk-test-key");
        assertThat(first.headers().get("X-Trace")).isEqualTo("abc-123");
        assertThat(first.body()).isEqualTo(body);
        assertThat(first.lastUserMessage()).isEqualTo(BRAND);
        assertThat(first.receivedAtNanos()).isBetween(before, seen.get(1).receivedAtNanos());
        assertThat(seen.get(1).method()).isEqualTo("GET");
        assertThat(seen.get(1).path()).isEqualTo("/v1/models");
        assertThat(seen.get(1).body()).isNull();
        ctx.completeNow();
      })));
  }

  // ---------------------------------------------------------------- validation

  @Test
  void missingAuthorizationIs401UnderTestOptions(VertxTestContext ctx) {
    sim.enqueue(Behaviour.stream().withDeltas("queued"));
    send(chatBody(BRAND, true, false), false)
      .compose(r -> {
        ctx.verify(() -> {
          assertThat(r.status).isEqualTo(401);
          JsonObject error = new JsonObject(r.body).getJsonObject("error");
          assertThat(error.getString("code")).isEqualTo("invalid_api_key");
          assertThat(error.getString("type")).isEqualTo("invalid_request_error");
          assertThat(error.containsKey("param")).isTrue();
        });
        // A rejected request must not consume the queued behaviour.
        return send(chatBody(BRAND, true, false), true);
      })
      .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
        assertThat(contentOf(dataPayloads(r.body))).isEqualTo("queued");
        assertThat(sim.requests()).hasSize(2);
        assertCounters(1, 1, 0, 0, 0);
        ctx.completeNow();
      })));
  }

  @Test
  void invalidBodiesAre400WithOpenAiErrorShape(VertxTestContext ctx) {
    JsonObject noMessages = new JsonObject().put("model", MODEL);
    JsonObject emptyMessages = new JsonObject().put("model", MODEL).put("messages", new JsonArray());
    JsonObject noModel = chatBody(BRAND, true, false);
    noModel.remove("model");
    exchange(chatRequest(true), noMessages)
      .compose(r1 -> exchange(chatRequest(true), emptyMessages).map(r2 -> List.of(r1, r2)))
      .compose(l -> exchange(chatRequest(true), noModel).map(r3 -> List.of(l.get(0), l.get(1), r3)))
      .compose(l -> exchangeRaw(chatRequest(true), Buffer.buffer("{\"model\":")).map(r4 ->
        List.of(l.get(0), l.get(1), l.get(2), r4)))
      .compose(l -> send(chatBody(BRAND, false, false), true).map(r5 ->
        List.of(l.get(0), l.get(1), l.get(2), l.get(3), r5)))
      .onComplete(ctx.succeeding(l -> ctx.verify(() -> {
        assertThat(l).extracting(r -> r.status).containsExactly(400, 400, 400, 400, 400);
        JsonObject e1 = new JsonObject(l.get(0).body).getJsonObject("error");
        assertThat(e1.getString("param")).isEqualTo("messages");
        assertThat(e1.getString("code")).isEqualTo("missing_required_parameter");
        assertThat(new JsonObject(l.get(1).body).getJsonObject("error").getString("code")).isEqualTo("empty_array");
        assertThat(new JsonObject(l.get(2).body).getJsonObject("error").getString("message"))
          .isEqualTo("you must provide a model parameter");
        assertThat(new JsonObject(l.get(3).body).getJsonObject("error").getString("type"))
          .isEqualTo("invalid_request_error");
        // The service always streams, so the simulator only streams.
        JsonObject e5 = new JsonObject(l.get(4).body).getJsonObject("error");
        assertThat(e5.getString("param")).isEqualTo("stream");
        assertThat(e5.getString("type")).isEqualTo("invalid_request_error");
        assertThat(sim.startedStreams()).isZero();
        ctx.completeNow();
      })));
  }

  @Test
  void demoOptionsNeedNoKey(Vertx vertx, VertxTestContext ctx) {
    SimulatorOptions demo = SimulatorOptions.demo();
    assertThat(demo.requireAuth()).isFalse();
    assertThat(demo.host()).isEqualTo("127.0.0.1");
    assertThat(demo.port()).isZero();
    assertThat(demo.defaultBehaviour().firstTokenDelay().min()).isEqualTo(Duration.ofMillis(350));
    assertThat(demo.defaultBehaviour().chunkInterval().max()).isEqualTo(Duration.ofMillis(35));
    // Keep the demo's auth rule but not its pace, so the test stays fast.
    OpenAiSimulator.start(vertx, demo.withDefaultBehaviour(Behaviour.stream().withDeltas("ok")))
      .compose(demoSim -> exchange(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(demoSim.port()).setURI("/v1/chat/completions"), chatBody(BRAND, true, false))
        .eventually(demoSim::close)
        .map(r -> {
          assertThat(demoSim.baseUrl()).isEqualTo("http://127.0.0.1:" + demoSim.port() + "/v1");
          return r;
        }))
      .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
        assertThat(r.status).isEqualTo(200);
        assertThat(contentOf(dataPayloads(r.body))).isEqualTo("ok");
        ctx.completeNow();
      })));
  }

  // ---------------------------------------------------------------- faults

  @Test
  void statusFaultsCarryHeadersAndBodyInQueueOrder(VertxTestContext ctx) {
    sim.enqueue(Behaviour.rateLimited(Duration.ofMillis(1500)), Behaviour.insufficientQuota(),
      Behaviour.status(418, Behaviour.error("teapot", "custom_type", "p", "c"), Map.of("x-custom", "yes")));
    sim.setDefaultBehaviour(Behaviour.stream().withDeltas("after"));
    List<Response> results = new ArrayList<>();
    Future<Response> chain = send(chatBody(BRAND, true, false), true);
    for (int i = 0; i < 3; i++) {
      chain = chain.compose(r -> {
        results.add(r);
        return send(chatBody(BRAND, true, false), true);
      });
    }
    chain.onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      Response limited = results.get(0);
      assertThat(limited.status).isEqualTo(429);
      assertThat(limited.headers.get("retry-after")).isEqualTo("2");
      assertThat(limited.headers.get("retry-after-ms")).isEqualTo("1500");
      assertThat(limited.headers.get("content-type")).isEqualTo("application/json; charset=utf-8");
      assertThat(limited.headers.get("x-ratelimit-remaining-requests")).isEqualTo("0");
      JsonObject e = new JsonObject(limited.body).getJsonObject("error");
      assertThat(e.getString("code")).isEqualTo("rate_limit_exceeded");
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");

      Response quota = results.get(1);
      assertThat(quota.status).isEqualTo(429);
      assertThat(quota.headers.contains("retry-after")).isFalse();
      assertThat(new JsonObject(quota.body).getJsonObject("error").getString("code")).isEqualTo("insufficient_quota");

      Response custom = results.get(2);
      assertThat(custom.status).isEqualTo(418);
      assertThat(custom.headers.get("x-custom")).isEqualTo("yes");
      assertThat(new JsonObject(custom.body)).isEqualTo(Behaviour.error("teapot", "custom_type", "p", "c"));

      assertThat(last.status).isEqualTo(200);
      assertThat(contentOf(dataPayloads(last.body))).isEqualTo("after");
      assertCounters(1, 1, 0, 0, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void statusFactoriesUseOpenAiCodes() {
    assertThat(status(Behaviour.invalidApiKey()).code()).isEqualTo(401);
    assertThat(status(Behaviour.invalidApiKey()).body().getJsonObject("error").getString("code"))
      .isEqualTo("invalid_api_key");
    assertThat(status(Behaviour.badRequest("nope")).code()).isEqualTo(400);
    assertThat(status(Behaviour.badRequest("nope")).body().getJsonObject("error").getString("message"))
      .isEqualTo("nope");
    assertThat(status(Behaviour.serverError()).code()).isEqualTo(500);
    assertThat(status(Behaviour.unavailable()).code()).isEqualTo(503);
    assertThat(status(Behaviour.rateLimitedSeconds(7)).headers()).isEqualTo(Map.of("retry-after", "7"));
    assertThat(status(Behaviour.rateLimited(Duration.ofMillis(20))).headers())
      .containsEntry("retry-after", "1").containsEntry("retry-after-ms", "20");
  }

  @Test
  void behavioursAreValuesThatRefuseImpossibleSettings() {
    Behaviour base = Behaviour.stream();
    Behaviour changed = base.withChunks(3).withDeltas("a").withLineEnding("\r").withFault(new Fault.Cut(1));
    assertThat(base).isEqualTo(Behaviour.stream()); // the copies left it alone
    assertThat(changed.chunks()).isEqualTo(3);
    assertThat(changed.deltas()).containsExactly("a");
    assertThat(changed.framing().lineEnding()).isEqualTo("\r");
    assertThat(changed.fault()).isEqualTo(new Fault.Cut(1));
    assertThat(base.fault()).isNull();
    // An inner error object is sent as OpenAI's whole error body.
    JsonObject inner = new JsonObject().put("message", "boom").put("type", "server_error");
    assertThat(new Fault.ErrorEvent(0, inner).error()).isEqualTo(new JsonObject().put("error", inner));

    assertThatThrownBy(() -> base.withDeltas(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withChunks(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withLineEnding("\n\n")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withChunkInterval(Duration.ofMillis(5), Duration.ofMillis(4)))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.withFirstTokenDelay(Duration.ofMillis(-1)))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Behaviour.cutAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Behaviour.status(200, Behaviour.error("ok?", "x", null, null), Map.of()))
      .isInstanceOf(IllegalArgumentException.class);
  }

  private static Fault.Status status(Behaviour b) {
    return (Fault.Status) b.fault();
  }

  @Test
  void cutAfterClosesTheConnectionWithoutDone(VertxTestContext ctx) {
    sim.enqueue(Behaviour.cutAfter(3).withDeltas("a", "b", "c", "d", "e"));
    send(chatBody(BRAND, true, true), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.status).isEqualTo(200);
      assertThat(r.error).isNotNull();
      assertThat(r.ended).isFalse();
      List<String> data = dataPayloads(r.body);
      assertThat(data).hasSize(1 + 3);
      assertThat(contentOf(data)).isEqualTo("abc");
      assertThat(r.body).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
      assertCounters(1, 0, 0, 1, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void errorAfterSendsAnErrorEventAndEnds(VertxTestContext ctx) {
    JsonObject error = Behaviour.error("The server had an error while processing your request.", "server_error",
      null, null);
    sim.enqueue(Behaviour.errorAfter(2, error).withDeltas("a", "b", "c"));
    send(chatBody(BRAND, true, true), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.status).isEqualTo(200);
      assertThat(r.error).isNull();
      assertThat(r.ended).isTrue();
      List<String> data = dataPayloads(r.body);
      assertThat(data).hasSize(1 + 2 + 1);
      assertThat(contentOf(data.subList(0, 3))).isEqualTo("ab");
      assertThat(new JsonObject(data.get(3))).isEqualTo(error);
      assertThat(r.body).doesNotContain("[DONE]");
      assertCounters(1, 0, 0, 1, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void malformedAfterSendsBrokenJsonAndEnds(VertxTestContext ctx) {
    sim.enqueue(Behaviour.malformedAfter(2).withDeltas("a", "b", "c"));
    send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.ended).isTrue();
      List<String> data = dataPayloads(r.body);
      assertThat(data).hasSize(4);
      assertThat(contentOf(data.subList(0, 3))).isEqualTo("ab");
      assertThat(data.get(3)).isEqualTo("{not json");
      assertThat(r.body).endsWith("data: {not json\n\n");
      assertCounters(1, 0, 0, 1, 0);
      ctx.completeNow();
    })));
  }

  @Test
  void hangNeverAnswersUntilTheClientTimesOut(Vertx vertx, VertxTestContext ctx) {
    sim.enqueue(Behaviour.hang());
    long t0 = System.nanoTime();
    exchange(chatRequest(true).setIdleTimeout(300), chatBody(BRAND, true, false))
      .onComplete(ctx.failing(err -> {
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        ctx.verify(() -> {
          assertThat(err).hasMessageContaining("timeout");
          assertThat(waitedMs).isGreaterThanOrEqualTo(290);
        });
        eventually(vertx, () -> sim.abortedStreams() == 1, 3000).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertCounters(1, 0, 1, 0, 0);
          ctx.completeNow();
        })));
      }));
  }

  @Test
  void stallAfterGoesSilentWithoutClosing(Vertx vertx, VertxTestContext ctx) {
    sim.enqueue(Behaviour.stallAfter(2).withDeltas("a", "b", "c"));
    Buffer received = Buffer.buffer();
    AtomicBoolean ended = new AtomicBoolean();
    AtomicBoolean checking = new AtomicBoolean();
    whenResponding(chatBody(BRAND, true, false), ctx, resp -> {
        resp.exceptionHandler(t -> { }); // our own reset below surfaces here
        resp.endHandler(v -> ended.set(true));
        resp.handler(buf -> {
          received.appendBuffer(buf);
          if (dataPayloads(received.toString(StandardCharsets.UTF_8)).size() == 3 && checking.compareAndSet(false, true)) {
            int sizeAtStall = received.length();
            // Silence for a while: no more bytes, no end, and the stream is still open on the server.
            vertx.setTimer(300, id -> ctx.verify(() -> {
              assertThat(received.length()).isEqualTo(sizeAtStall);
              assertThat(ended).isFalse();
              assertThat(contentOf(dataPayloads(received.toString(StandardCharsets.UTF_8)))).isEqualTo("ab");
              assertCounters(1, 0, 0, 0, 1);
              resp.request().reset(); // the client gives up, as a read timeout would
              eventually(vertx, () -> sim.activeStreams() == 0, 3000).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                assertCounters(1, 0, 1, 0, 0);
                ctx.completeNow();
              })));
            }));
          }
        });
      });
  }

  @Test
  void slowFirstByteDelaysTheHeaders(VertxTestContext ctx) {
    sim.enqueue(Behaviour.slowFirstByte(Duration.ofMillis(250)).withDeltas("x"));
    long t0 = System.nanoTime();
    whenResponding(chatBody(BRAND, true, false), ctx, resp -> {
        long headersAfterMs = (System.nanoTime() - t0) / 1_000_000;
        resp.body().onComplete(ctx.succeeding(b -> ctx.verify(() -> {
          assertThat(headersAfterMs).isGreaterThanOrEqualTo(240);
          assertThat(Long.parseLong(resp.getHeader("openai-processing-ms"))).isGreaterThanOrEqualTo(240);
          assertThat(contentOf(dataPayloads(b.toString(StandardCharsets.UTF_8)))).isEqualTo("x");
          ctx.completeNow();
        })));
      });
  }

  // ---------------------------------------------------------------- aborts and backpressure

  @Test
  void clientGivingUpDuringTheFirstTokenDelayIsAnAbort(Vertx vertx, VertxTestContext ctx) {
    sim.enqueue(Behaviour.slowFirstByte(Duration.ofSeconds(1)));
    exchange(chatRequest(true).setIdleTimeout(100), chatBody(BRAND, true, false))
      .onComplete(ctx.failing(err -> eventually(vertx, () -> sim.abortedStreams() == 1, 3000)
        // Past the would-be first token: the cancelled timer must not write or count anything.
        .compose(v -> eventually(vertx, () -> false, 1100).recover(t -> Future.succeededFuture()))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertCounters(1, 0, 1, 0, 0);
          ctx.completeNow();
        })))));
  }

  @Test
  void clientResetMidStreamCountsAsAborted(Vertx vertx, VertxTestContext ctx) {
    sim.enqueue(Behaviour.stream().withChunks(10_000).withChunkInterval(Duration.ofMillis(2)));
    AtomicBoolean resetDone = new AtomicBoolean();
    whenResponding(chatBody(BRAND, true, false), ctx, resp -> {
        resp.exceptionHandler(t -> { }); // the reset surfaces here; expected
        resp.handler(buf -> {
          if (buf.toString(StandardCharsets.UTF_8).contains("\"content\":\"") && resetDone.compareAndSet(false, true)) {
            ctx.verify(() -> assertThat(sim.activeStreams()).isEqualTo(1));
            resp.request().reset();
            eventually(vertx, () -> sim.abortedStreams() == 1, 3000).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
              assertCounters(1, 0, 1, 0, 0);
              // Timers were cancelled: nothing else happens to the counters.
              vertx.setTimer(50, id -> ctx.verify(() -> {
                assertCounters(1, 0, 1, 0, 0);
                ctx.completeNow();
              }));
            })));
          }
        });
      });
  }

  @Test
  void pausedClientBackpressuresAFastStreamWhichThenCompletes(Vertx vertx, VertxTestContext ctx) {
    int chunks = 200_000;
    sim.enqueue(Behaviour.stream().withChunks(chunks).withChunkInterval(Duration.ZERO));
    AtomicLong newlines = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Buffer[] tail = {Buffer.buffer()};
    whenResponding(chatBody(BRAND, true, false), ctx, resp -> {
        resp.pause();
        resp.handler(buf -> {
          bytes.addAndGet(buf.length());
          for (int i = 0; i < buf.length(); i++) {
            if (buf.getByte(i) == '\n') {
              newlines.incrementAndGet();
            }
          }
          Buffer joined = tail[0].copy().appendBuffer(buf); // keep only the last bytes, not 45 MB
          tail[0] = joined.length() > 64 ? joined.getBuffer(joined.length() - 64, joined.length()) : joined;
        });
        resp.exceptionHandler(ctx::failNow);
        resp.endHandler(v -> ctx.verify(() -> {
          // Each event ends with "\n\n" and JSON escapes newlines, so newlines/2 = events:
          // role + content chunks + finish + [DONE].
          assertThat(newlines.get()).isEqualTo(2L * (chunks + 3));
          assertThat(tail[0].toString(StandardCharsets.UTF_8)).endsWith("\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
          assertThat(sim.pausedCount()).isPositive();
          assertCounters(1, 1, 0, 0, 0);
          ctx.completeNow();
        }));
        eventually(vertx, () -> sim.pausedCount() > 0, 5000).onComplete(ctx.succeeding(x -> ctx.verify(() -> {
          // The server is waiting for drain, not racing ahead or buffering everything.
          assertThat(sim.completedStreams()).isZero();
          assertThat(sim.activeStreams()).isEqualTo(1);
          long pausedAt = sim.pausedCount();
          vertx.setTimer(100, id -> ctx.verify(() -> {
            assertThat(sim.pausedCount()).isEqualTo(pausedAt); // still parked on the same drain wait
            resp.resume();
          }));
        })));
      });
  }

  @Test
  void concurrentStreamsAllCompleteAndCountersAreExact(VertxTestContext ctx) {
    int n = 20;
    sim.setDefaultBehaviour(Behaviour.stream().withChunks(300).withChunkInterval(Duration.ZERO, Duration.ofMillis(1)));
    List<Future<Response>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(send(chatBody("Brand " + i, true, false), true));
    }
    Future.all(all).onComplete(ctx.succeeding(cf -> ctx.verify(() -> {
      for (int i = 0; i < n; i++) {
        Response r = cf.resultAt(i);
        assertThat(dataPayloads(r.body)).hasSize(303);
        assertThat(contentOf(dataPayloads(r.body))).startsWith(CampaignWriter.write("Brand " + i).substring(0, 100));
      }
      assertCounters(n, n, 0, 0, 0);
      ctx.completeNow();
    })));
  }

  // ---------------------------------------------------------------- wire-format stress

  @Test
  void splitWritesWithCrlfAndKeepAlivesBreakEventsAtAwkwardOffsets(VertxTestContext ctx) {
    sim.enqueue(Behaviour.stream().withSplitWrites(true).withLineEnding("\r\n").withKeepAliveComments(true)
      .withChunks(40));
    send(chatBody(BRAND, true, true), true).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.body).doesNotContain("}\n\n").contains("}\r\n\r\n");
      assertThat(r.body).contains(": keep-alive\r\n\r\n");
      List<String> data = dataPayloads(r.body);
      assertThat(data).hasSize(40 + 4);
      assertThat(contentOf(data)).isEqualTo(String.join("", CampaignWriter.deltas(BRAND).subList(0, 40)));
      assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");

      // The pieces arrive as written: some end between CR and LF, some inside a UTF-8 sequence.
      assertThat(r.pieces.size()).isGreaterThan(data.size() * 3);
      assertThat(r.pieces).anyMatch(p -> p.length() > 0 && p.getByte(p.length() - 1) == '\r');
      assertThat(r.pieces).anyMatch(p -> !isCompleteUtf8(p));
      ctx.completeNow();
    })));
  }

  @Test
  void resetClearsQueueRequestsCountersAndDefault(VertxTestContext ctx) {
    sim.setDefaultBehaviour(Behaviour.stream().withDeltas("custom"));
    send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r -> {
      sim.enqueue(Behaviour.serverError());
      sim.reset();
      ctx.verify(() -> {
        assertThat(sim.requests()).isEmpty();
        assertCounters(0, 0, 0, 0, 0);
      });
      send(chatBody(BRAND, true, false), true).onComplete(ctx.succeeding(r2 -> ctx.verify(() -> {
        assertThat(r2.status).isEqualTo(200);
        assertThat(contentOf(dataPayloads(r2.body))).isEqualTo(CampaignWriter.write(BRAND));
        assertCounters(1, 1, 0, 0, 0);
        ctx.completeNow();
      })));
    }));
  }

  // ---------------------------------------------------------------- helpers

  private void assertCounters(int started, int completed, int aborted, int faulted, int active) {
    assertThat(List.of(sim.startedStreams(), sim.completedStreams(), sim.abortedStreams(), sim.faultedStreams(),
      sim.activeStreams()))
      .as("started, completed, aborted, faulted, active")
      .containsExactly(started, completed, aborted, faulted, active);
  }

  private static JsonObject chatBody(String brand, boolean stream, boolean includeUsage) {
    JsonObject body = new JsonObject()
      .put("model", MODEL)
      .put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You write marketing campaigns."))
        .add(new JsonObject().put("role", "user").put("content", brand)))
      .put("stream", stream);
    if (includeUsage) {
      body.put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body;
  }

  private RequestOptions chatRequest(boolean auth) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(sim.port())
      .setURI("/v1/chat/completions").putHeader("content-type", "application/json");
    return auth ? o.putHeader("Authorization", "Bearer sk-test-key") : o;
  }

  private Future<Response> send(JsonObject body, boolean auth) {
    return exchange(chatRequest(auth), body);
  }

  private Future<Response> exchangeRaw(RequestOptions options, Buffer raw) {
    return client.request(options).compose(req -> req.send(raw).compose(OpenAiSimulatorTest::collect));
  }

  private Future<Response> exchange(RequestOptions options, JsonObject body) {
    return client.request(options)
      .compose(req -> (body == null ? req.send() : req.send(body.toBuffer())).compose(OpenAiSimulatorTest::collect));
  }

  /**
   * Sends an authorised chat request and hands the live response to {@code onResponse} in the event-loop
   * turn that completes the send. Continuing the chain from the test's thread instead races with the
   * response: a short one can end before the handlers are set, and then they cannot be.
   */
  private void whenResponding(JsonObject body, VertxTestContext ctx, Handler<HttpClientResponse> onResponse) {
    client.request(chatRequest(true))
      .compose(req -> req.send(body.toBuffer()).onSuccess(onResponse))
      .onFailure(ctx::failNow);
  }

  /** Collects the body as it arrives; completes on end or on error, keeping whatever arrived before. */
  private static Future<Response> collect(HttpClientResponse resp) {
    Promise<Response> done = Promise.promise();
    Buffer all = Buffer.buffer();
    List<Buffer> pieces = new ArrayList<>();
    resp.handler(b -> {
      all.appendBuffer(b);
      pieces.add(b.copy());
    });
    resp.exceptionHandler(t -> done.tryComplete(new Response(resp.statusCode(), resp.headers(),
      all.toString(StandardCharsets.UTF_8), pieces, t, false)));
    resp.endHandler(v -> done.tryComplete(new Response(resp.statusCode(), resp.headers(),
      all.toString(StandardCharsets.UTF_8), pieces, null, true)));
    return done.future();
  }

  /** Test-only SSE reading: normalise line endings, split on blank lines, keep data payloads. */
  static List<String> dataPayloads(String body) {
    String normalized = body.replace("\r\n", "\n").replace('\r', '\n');
    List<String> out = new ArrayList<>();
    for (String event : normalized.split("\n\n")) {
      StringBuilder data = null;
      for (String line : event.split("\n")) {
        if (line.startsWith("data:")) {
          String value = line.substring(5);
          value = value.startsWith(" ") ? value.substring(1) : value;
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
      }
      if (data != null) {
        out.add(data.toString());
      }
    }
    return out;
  }

  /** Concatenated delta.content of all chunks that have one. */
  static String contentOf(List<String> data) {
    StringBuilder sb = new StringBuilder();
    for (String d : data) {
      if (!d.startsWith("{")) {
        continue;
      }
      JsonObject chunk;
      try {
        chunk = new JsonObject(d);
      } catch (RuntimeException e) {
        continue;
      }
      JsonArray choices = chunk.getJsonArray("choices");
      if (choices != null && !choices.isEmpty()) {
        String c = choices.getJsonObject(0).getJsonObject("delta").getString("content");
        sb.append(c == null ? "" : c);
      }
    }
    return sb.toString();
  }

  private static boolean isCompleteUtf8(Buffer b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(b.getBytes()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static Future<Void> eventually(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(5, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        p.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        p.tryFail("condition not met within " + timeoutMs + " ms");
      }
    });
    return p.future();
  }

  record Response(int status, MultiMap headers, String body, List<Buffer> pieces, Throwable error, boolean ended) {
  }
}
