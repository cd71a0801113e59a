package dev.campaignstream.worker;

import dev.campaignstream.config.UpstreamSettings;
import dev.campaignstream.protocol.OpenStream;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One call to an upstream's chat completions with {@code stream: true}, in its shape (OpenAI's
 * or Azure's), through the upstream's circuit breaker: a failed connection or an overloaded answer
 * (408, 5xx) counts against the circuit; a stream, a rate limit (429), a refusal (other 4xx) or a
 * caller leaving does not.
 */
final class UpstreamCall {

  private final HttpClient client;
  private final UpstreamSettings settings;
  private final CircuitBreaker breaker;
  // The endpoint's URL parsed once, each request's options copied from it: parsing it was a
  // visible part of opening every stream.
  private final RequestOptions endpoint;

  UpstreamCall(HttpClient client, UpstreamSettings settings, CircuitBreaker breaker) {
    this.client = client;
    this.settings = settings;
    this.breaker = breaker;
    this.endpoint = new RequestOptions().setAbsoluteURI(settings.endpoint());
  }

  /**
   * OpenAI's answer: a stream (paused until the caller of {@link #attempt} sets its handlers, since
   * the breaker hands it on asynchronously), or an error status with its body read at once.
   */
  record Answer(HttpClientResponse stream, int status, MultiMap headers, Buffer body) {
  }

  /** An overloaded answer travels as a failure so that the breaker counts it. */
  static final class Overloaded extends RuntimeException {
    final transient Answer answer;

    Overloaded(Answer answer) {
      super("The upstream answered " + answer.status(), null, false, false);
      this.answer = answer;
    }
  }

  /**
   * Makes one attempt. Succeeds with the answer, or with null when the stream gave it up
   * ({@code abandoned}); fails with {@link Overloaded}, the breaker's open-circuit failure, or the
   * connection's failure.
   *
   * @param started   told of the request as soon as it exists, so that it can be reset
   * @param abandoned whether the stream no longer wants this attempt
   */
  Future<Answer> attempt(OpenStream open, Consumer<HttpClientRequest> started, BooleanSupplier abandoned) {
    return breaker.execute(() -> client.request(options(open))
        .compose(request -> send(request, open, started, abandoned))
        .compose(UpstreamCall::read)
        .recover(failure -> abandoned.getAsBoolean() || failure instanceof CancellationException
            ? Future.succeededFuture(null) : Future.failedFuture(failure)));
  }

  private RequestOptions options(OpenStream open) {
    RequestOptions options = new RequestOptions(endpoint)
        .setMethod(HttpMethod.POST)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
        // Uncompressed: the events are small and written as they come, so compression would save
        // little and cost an inflater on every read (see OpenAiVerticle's client).
        .putHeader(HttpHeaders.ACCEPT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("X-Client-Request-Id", open.requestId());
    if (settings.hasApiKey()) {
      options.putHeader(settings.keyHeader(), settings.keyHeaderValue());
    }
    return options;
  }

  private Future<HttpClientResponse> send(HttpClientRequest request, OpenStream open,
      Consumer<HttpClientRequest> started, BooleanSupplier abandoned) {
    started.accept(request);
    // Its failures arrive through the send future; a reset of ours is not worth an ERROR line.
    request.exceptionHandler(ignored -> { });
    // The caller may have left while the connection was being made.
    if (abandoned.getAsBoolean()) {
      request.reset();
      return Future.failedFuture(new CancellationException("the caller left"));
    }
    return request.send(ChatRequest.body(settings.model(), open.prompt()));
  }

  private static Future<Answer> read(HttpClientResponse response) {
    if (response.statusCode() == 200) {
      response.pause();
      // Until the stream sets its own: a reset during the hand-over is not worth an ERROR line.
      response.exceptionHandler(ignored -> { });
      return Future.succeededFuture(new Answer(response, 200, response.headers(), null));
    }
    return response.body()
        .recover(unreadable -> Future.succeededFuture(null))
        .compose(body -> {
          Answer answer = new Answer(null, response.statusCode(), response.headers(), body);
          // A 429 is a limit, not an outage: the upstream's rate-limit window keeps streams away
          // until its reset; counted by the circuit too, a burst of them would shut the upstream
          // for the circuit's whole reset time, long after its limit had reset.
          return UpstreamErrors.isOutage(answer.status()) && answer.status() != 429
              ? Future.failedFuture(new Overloaded(answer))
              : Future.succeededFuture(answer);
        });
  }
}
