package dev.campaignstream.trace;

import static dev.campaignstream.trace.SpanAttributes.*;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The GenAI span of one campaign stream on its worker, as OpenTelemetry's GenAI semantic conventions
 * describe an inference call ({@code chat <model>}, kind client): the model asked, and when the
 * stream ends, the finish reason, the tokens used, the time to the first token, the attempts and
 * the outcome. The stream outlives the bus message that opened it, so the span is the parent of
 * every HTTP call to OpenAI the stream makes, retries included: they are made on a Vert.x context
 * of the stream's own that carries the span (Vert.x's client span and the {@code traceparent} sent
 * to OpenAI come from it). The brand and the text are recorded only when the operator turned
 * content on ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}).
 */
public class ChatSpan {

  /** Tracing off: calls are made as they would be without it. */
  public static final ChatSpan NONE = new ChatSpan();

  /** A campaign is a few thousand characters; the bound only keeps a runaway upstream out of memory. */
  private static final int MAX_TEXT_CHARS = 64 * 1024;

  private ChatSpan() {
  }

  /** What the span describes, known when the stream is opened. */
  public record Call(String model, String serverAddress, int serverPort, String requestId, String brand,
      String systemPrompt) {
  }

  /**
   * The span of a stream opened now, a child of the span current on this Vert.x context (the bus
   * message that opened it, which continues the caller's trace).
   */
  public static ChatSpan start(Tracing tracing, Call call) {
    if (!tracing.on()) {
      return NONE;
    }
    Context parent = Context.current();
    Span span = tracing.tracer().spanBuilder("chat " + call.model())
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(OPERATION, "chat")
        .setAttribute(SYSTEM, "openai")
        .setAttribute(PROVIDER, "openai")
        .setAttribute(REQUEST_MODEL, call.model())
        .setAttribute(SERVER_ADDRESS, call.serverAddress())
        .setAttribute(SERVER_PORT, (long) call.serverPort())
        .setAttribute(REQUEST_ID, call.requestId())
        .startSpan();
    if (!span.isRecording()) {
      // Not sampled: the calls still carry the trace's context (and its sampled flag) to OpenAI.
      return new Recording(span, parent, null);
    }
    StringBuilder text = null;
    if (tracing.content()) {
      span.setAttribute(SYSTEM_INSTRUCTIONS, new JsonArray().add(part(call.systemPrompt())).encode());
      span.setAttribute(INPUT_MESSAGES, new JsonArray().add(new JsonObject().put("role", "user")
          .put("parts", new JsonArray().add(part(call.brand())))).encode());
      text = new StringBuilder();
    }
    return new Recording(span, parent, text);
  }

  /** Makes a call to OpenAI under this span. */
  public <T> Future<T> around(Supplier<Future<T>> call) {
    return call.get();
  }

  /** An attempt goes to this upstream: the span names the last one tried, which wrote the text if any did. */
  public void upstream(String name, String serverAddress, int serverPort) {
  }

  /** The first token arrived, this long after the stream was opened. */
  public void firstToken(long nanos) {
  }

  /** A piece of the campaign, kept only when content is recorded. */
  public void text(String piece) {
  }

  /** OpenAI finished the campaign. */
  public void completed(String finishReason, JsonObject usage) {
  }

  /** The stream failed with this kind of error. */
  public void failed(String kind) {
  }

  /** The caller left, or the HTTP side went silent. */
  public void cancelled() {
  }

  /** The stream is over: the span ends. */
  public void end(int attempts) {
  }

  private static JsonObject part(String content) {
    return new JsonObject().put("type", "text").put("content", content);
  }

  private static final class Recording extends ChatSpan {

    private final Span span;
    private final ContextInternal calls;
    private final StringBuilder text;
    private boolean ended;

    Recording(Span span, Context parent, StringBuilder text) {
      this.span = span;
      this.text = text;
      // A context of the stream's own, on the same event loop, that carries the span to every call.
      this.calls = ContextInternal.current().duplicate();
      VertxContextStorage.INSTANCE.attach(calls, parent.with(span));
    }

    @Override
    public <T> Future<T> around(Supplier<Future<T>> call) {
      Object[] made = new Object[1];
      calls.dispatch(v -> made[0] = call.get());
      @SuppressWarnings("unchecked")
      Future<T> future = (Future<T>) made[0];
      return future;
    }

    @Override
    public void upstream(String name, String serverAddress, int serverPort) {
      span.setAttribute(UPSTREAM, name);
      span.setAttribute(SERVER_ADDRESS, serverAddress);
      span.setAttribute(SERVER_PORT, (long) serverPort);
    }

    @Override
    public void firstToken(long nanos) {
      span.setAttribute(FIRST_TOKEN_MS, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    @Override
    public void text(String piece) {
      if (text != null && text.length() < MAX_TEXT_CHARS) {
        text.append(piece, 0, Math.min(piece.length(), MAX_TEXT_CHARS - text.length()));
      }
    }

    @Override
    public void completed(String finishReason, JsonObject usage) {
      span.setAttribute(OUTCOME, "completed");
      span.setAttribute(FINISH_REASONS, List.of(finishReason));
      if (usage != null) {
        Long input = usage.getLong("prompt_tokens");
        Long output = usage.getLong("completion_tokens");
        if (input != null) {
          span.setAttribute(INPUT_TOKENS, input);
        }
        if (output != null) {
          span.setAttribute(OUTPUT_TOKENS, output);
        }
      }
      if (text != null) {
        span.setAttribute(OUTPUT_MESSAGES, new JsonArray().add(new JsonObject().put("role", "assistant")
            .put("parts", new JsonArray().add(part(text.toString()))).put("finish_reason", finishReason)).encode());
      }
    }

    @Override
    public void failed(String kind) {
      span.setAttribute(OUTCOME, "failed");
      span.setAttribute(ERROR_TYPE, kind);
      span.setStatus(StatusCode.ERROR, kind);
    }

    @Override
    public void cancelled() {
      span.setAttribute(OUTCOME, "cancelled");
    }

    @Override
    public void end(int attempts) {
      if (!ended) {
        ended = true;
        span.setAttribute(ATTEMPTS, (long) attempts);
        span.end();
      }
    }
  }
}
