package dev.campaignstream.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What goes wrong with a response. Each kind is a record holding only what that kind needs; a
 * {@link Behaviour} without a fault streams a complete answer.
 */
public sealed interface Fault {

  /** An HTTP error status with an OpenAI error body (see {@link Behaviour#error}), instead of a stream. */
  record Status(int code, JsonObject body, Map<String, String> headers) implements Fault {
    public Status {
      if (code < 400 || code > 599) {
        throw new IllegalArgumentException("status must be an HTTP error code: " + code);
      }
      body = Objects.requireNonNull(body, "body").copy();
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
  }

  /**
   * A 200 whose body is not an event stream: an HTML error page from a proxy, a JSON document, or
   * nothing, as a wrong base URL gives.
   */
  record NotEventStream(String contentType, String body) implements Fault {
    public NotEventStream {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
    }
  }

  /** The request is accepted and never answered, until the client gives up. */
  record Hang() implements Fault {
  }

  /** A fault that ends an otherwise normal stream after {@code after} content chunks. */
  sealed interface MidStream extends Fault {
    int after();
  }

  /** The TCP connection closes abruptly: no finish chunk, no [DONE]. */
  record Cut(int after) implements MidStream {
    public Cut {
      checkAfter(after);
    }
  }

  /**
   * {@code data: {"error": …}} and the response ends. Either a whole {@code {"error":{…}}} body or just the
   * inner error object may be given; the event always carries the whole body, as OpenAI's do.
   */
  record ErrorEvent(int after, JsonObject error) implements MidStream {
    public ErrorEvent {
      checkAfter(after);
      error = Objects.requireNonNull(error, "error").copy();
      if (!error.containsKey("error")) {
        error = new JsonObject().put("error", error);
      }
    }
  }

  /** An event whose data is not JSON (<code>data: &#123;not json</code>), and the response ends. */
  record Malformed(int after) implements MidStream {
    public Malformed {
      checkAfter(after);
    }
  }

  /** Silence, with the connection left open: the client's read timeout has to notice. */
  record Stall(int after) implements MidStream {
    public Stall {
      checkAfter(after);
    }
  }

  /**
   * Only {@code : keep-alive} comments, one every {@code every}, with the connection left open:
   * a stream that looks alive to whoever counts bytes, and says nothing.
   */
  record KeepAliveOnly(int after, Duration every) implements MidStream {
    public KeepAliveOnly {
      checkAfter(after);
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("every must be positive, got " + every);
      }
    }
  }

  private static void checkAfter(int after) {
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, got " + after);
    }
  }
}
