package dev.campaignstream.http;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;

/**
 * The HTTP end of one upstream campaign stream: feeds the worker's frames to the
 * {@link SharedStream} its callers follow, grants the worker credit as the fastest of them takes
 * the pieces, and tells the worker when the last of them leaves. Runs on its verticle's event
 * loop only.
 */
final class HttpStream {

  private final String id;
  private final SharedStream shared;
  private final HttpStreams streams;
  private final int creditBatch;
  private String workerInbox;
  private long returned;
  private boolean finished;
  long lastHeardNanos;
  long lastSentNanos;

  HttpStream(String id, SharedStream shared, HttpStreams streams, int creditWindow) {
    this.id = id;
    this.shared = shared;
    this.streams = streams;
    // Return credit in batches: one frame per half window instead of one per chunk.
    this.creditBatch = Math.max(1, creditWindow / 2);
    this.lastHeardNanos = System.nanoTime();
  }

  String id() {
    return id;
  }

  boolean isOpen() {
    return workerInbox != null && !finished;
  }

  void accepted(OpenAck ack) {
    if (finished) {
      // Every caller left while the handshake was under way: the worker must not start.
      streams.send(ack.inbox(), Frame.cancel(id));
      return;
    }
    workerInbox = ack.inbox();
    lastHeardNanos = System.nanoTime();
    shared.accepted(ack);
    returnCredit();
  }

  void onFrame(Frame frame) {
    if (finished) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    switch (frame.type()) {
      case CHUNK -> {
        shared.chunk(frame.text());
        returnCredit();
      }
      case END -> {
        finish();
        shared.end(frame.finishReason(), frame.usage());
      }
      case ERROR -> {
        finish();
        shared.fail(frame.streamError());
      }
      default -> {
        // PING: lastHeardNanos is all it is for.
      }
    }
  }

  /** The stream cannot go on (no worker, a lost worker): its callers get the error; the worker is told. */
  void fail(StreamError error) {
    if (finished) {
      return;
    }
    cancelWorker();
    finish();
    shared.fail(error);
  }

  /** The last caller left. */
  void cancel() {
    if (finished) {
      return;
    }
    cancelWorker();
    finish();
  }

  void ping() {
    send(Frame.ping(id));
  }

  /**
   * Credit goes back once the fastest caller's connection has taken the chunks, so callers who
   * all read slowly hold at most one window of chunks in this service, while one slow caller
   * among faster ones does not slow them down (it is cut if it falls too far behind).
   */
  void returnCredit() {
    if (finished || workerInbox == null) {
      return;
    }
    long owed = shared.taken() - returned;
    if (owed >= creditBatch) {
      send(Frame.credit(id, owed));
      returned += owed;
    }
  }

  private void cancelWorker() {
    if (workerInbox != null) {
      send(Frame.cancel(id));
    }
  }

  private void send(Frame frame) {
    if (workerInbox != null) {
      lastSentNanos = System.nanoTime();
      streams.send(workerInbox, frame);
    }
  }

  private void finish() {
    finished = true;
    streams.remove(this);
  }
}
