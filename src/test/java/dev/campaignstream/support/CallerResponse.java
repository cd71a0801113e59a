package dev.campaignstream.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a caller saw of one response: status, headers, every network read in order and when it
 * arrived, and how and when the response ended (cleanly, or with a broken connection).
 */
public final class CallerResponse {

  public final int status;
  public final MultiMap headers;
  public final List<Buffer> reads = new ArrayList<>();
  /** When each of {@link #reads} arrived ({@link System#nanoTime()}). */
  public final List<Long> readNanos = new ArrayList<>();
  /** When the response ended, whichever way. */
  public long endedNanos;
  public boolean endedCleanly;
  public Throwable failure;

  CallerResponse(int status, MultiMap headers) {
    this.status = status;
    this.headers = headers;
  }

  public String body() {
    Buffer all = Buffer.buffer();
    reads.forEach(all::appendBuffer);
    return all.toString(StandardCharsets.UTF_8);
  }

  public JsonObject json() {
    return new JsonObject(body());
  }

  /** Milliseconds from the first read to the end: how long the caller had text before it had all of it. */
  public long msFromFirstReadToEnd() {
    return (endedNanos - readNanos.get(0)) / 1_000_000;
  }

  public String header(String name) {
    return headers.get(name);
  }

  /** The body as server-sent events (a test-side reading: split on blank lines). */
  public List<Event> events() {
    List<Event> events = new ArrayList<>();
    for (String block : body().split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      events.add(new Event(id, type, new JsonObject(data.toString())));
    }
    return events;
  }

  public record Event(String id, String type, JsonObject data) {
  }
}
