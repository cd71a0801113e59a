package dev.campaignstream.simulator;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * Writes a stream's SSE events: each in one write, or, with {@link Behaviour.Framing#splitWrites()}, in
 * pieces cut where naive SSE parsers break, so that the client under test has to reassemble them.
 */
final class EventWriter {

  private final HttpServerResponse response;
  private final Behaviour.Framing framing;
  private int written; // moves one of the cuts from event to event

  EventWriter(HttpServerResponse response, Behaviour.Framing framing) {
    this.response = response;
    this.framing = framing;
  }

  void write(String event) {
    written++;
    if (!framing.splitWrites()) {
      response.write(event);
      return;
    }
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    Buffer all = Buffer.buffer(bytes);
    int from = 0;
    for (int cut : awkwardOffsets(bytes, framing.lineEnding().length(), written)) {
      response.write(all.getBuffer(from, cut));
      from = cut;
    }
    response.write(all.getBuffer(from, bytes.length));
  }

  /**
   * Inside "data:", inside the first and the last multi-byte UTF-8 character, between every CR and LF,
   * between the event's two line endings, and one that moves with {@code salt}.
   */
  private static TreeSet<Integer> awkwardOffsets(byte[] b, int lineEndingLength, int salt) {
    TreeSet<Integer> cuts = new TreeSet<>();
    cuts.add(3);
    int firstLead = -1;
    int lastLead = -1;
    for (int i = 0; i < b.length; i++) {
      if ((b[i] & 0xC0) == 0xC0) {
        if (firstLead < 0) {
          firstLead = i;
        }
        lastLead = i;
      } else if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
        cuts.add(i + 1);
      }
    }
    if (firstLead >= 0) {
      cuts.add(firstLead + 1);
      cuts.add(lastLead + 1);
      if ((b[lastLead] & 0xF0) == 0xF0) {
        cuts.add(lastLead + 2); // the middle of a 4-byte sequence (emoji)
      }
    }
    cuts.add(b.length - lineEndingLength);
    cuts.add(1 + Math.floorMod(salt * 7919, Math.max(1, b.length - 1)));
    cuts.removeIf(c -> c <= 0 || c >= b.length);
    return cuts;
  }
}
