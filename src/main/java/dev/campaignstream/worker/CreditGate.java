package dev.campaignstream.worker;

import dev.campaignstream.protocol.Frame;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A stream's credit from the HTTP side: chunks go out while there is credit and are held, in
 * order, while there is none; the stream's last frame goes out after every held chunk, and needs
 * no credit. The stream pauses its source while the gate holds anything.
 */
final class CreditGate {

  private final ArrayDeque<Frame> held = new ArrayDeque<>();
  private final Consumer<Frame> out;
  private final LongConsumer heldDelta;
  private long credits;
  private boolean lastSent;

  /**
   * @param credits   the window the HTTP side granted with the handshake
   * @param out       where frames go
   * @param heldDelta told of every change in the number of frames held (the node's gauge)
   */
  CreditGate(long credits, Consumer<Frame> out, LongConsumer heldDelta) {
    this.credits = credits;
    this.out = out;
    this.heldDelta = heldDelta;
  }

  /** Sends the chunk if credit allows, else holds it. */
  void offer(Frame.Chunk chunk) {
    if (credits > 0 && held.isEmpty()) {
      credits--;
      out.accept(chunk);
    } else {
      hold(chunk);
    }
  }

  /** The stream's last frame: sent now unless chunks are held, then after them. */
  void offerLast(Frame last) {
    if (held.isEmpty()) {
      send(last);
    } else {
      hold(last);
    }
  }

  /** More credit: sends what it now allows. */
  void grant(long more) {
    credits += more;
    while (!held.isEmpty()) {
      Frame next = held.peek();
      boolean chunk = next instanceof Frame.Chunk;
      if (chunk && credits == 0) {
        return;
      }
      held.poll();
      heldDelta.accept(-1);
      if (chunk) {
        credits--;
        out.accept(next);
      } else {
        send(next);
      }
    }
  }

  boolean holding() {
    return !held.isEmpty();
  }

  /** Whether the last frame has gone out. */
  boolean lastSent() {
    return lastSent;
  }

  /** Forgets what is held (the caller is gone, or nothing of it may reach the caller). */
  void clear() {
    heldDelta.accept(-held.size());
    held.clear();
  }

  private void hold(Frame frame) {
    held.add(frame);
    heldDelta.accept(1);
  }

  private void send(Frame last) {
    lastSent = true;
    out.accept(last);
  }
}
