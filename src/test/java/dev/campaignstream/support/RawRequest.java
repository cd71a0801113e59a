package dev.campaignstream.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A request written byte for byte on a plain socket, for what an HTTP client would re-encode
 * ({@code %zz}, raw non-ASCII bytes). Asks the server to close, and reads until it does.
 */
public final class RawRequest {

  private RawRequest() {
  }

  /** The response to {@code GET <target> HTTP/1.1}, the target's chars written as ISO-8859-1 bytes. */
  public static Future<Answer> get(Vertx vertx, int port, String target) {
    Buffer request = Buffer.buffer(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    return vertx.createNetClient().connect(port, "127.0.0.1").compose(socket -> {
      Promise<Answer> answered = Promise.promise();
      Buffer seen = Buffer.buffer();
      socket.handler(seen::appendBuffer);
      socket.closeHandler(v -> answered.tryComplete(Answer.of(seen.toString(StandardCharsets.UTF_8))));
      socket.exceptionHandler(answered::tryFail);
      return socket.write(request).compose(v -> answered.future());
    });
  }

  /** A response as read: its status and its body after the headers. */
  public record Answer(int status, String head, String body) {
    static Answer of(String raw) {
      int end = raw.indexOf("\r\n\r\n");
      String head = end < 0 ? raw : raw.substring(0, end);
      String[] statusLine = head.split(" ", 3);
      return new Answer(Integer.parseInt(statusLine[1]), head, end < 0 ? "" : raw.substring(end + 4));
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }
}
