package dev.campaignstream.http;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.StreamError;

/**
 * The HTTP end of one campaign stream: feeds the worker's frames to the caller's sink, grants
 * the worker credit as the caller's connection drains, and tells the worker when the caller
 * leaves. Runs on its verticle's event loop only.
 */
final class HttpStream {

  private final String id;
  private final CampaignSink sink;
  private final HttpStreams streams;
  private final int creditBatch;
  private final AccessRecord access;
  private String workerInbox;
  private long owedCredits;
  private boolean awaitingDrain;
  private boolean finished;
  long lastHeardNanos;
  long lastSentNanos;

  HttpStream(String id, CampaignSink sink, HttpStreams streams, int creditWindow, AccessRecord access) {
    this.id = id;
    this.access = access;
    this.sink = sink;
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
      // The caller left while the handshake was under way: the worker must not start.
      streams.send(ack.inbox(), Frame.cancel(id));
      return;
    }
    workerInbox = ack.inbox();
    access.worker = ack.worker().node();
    lastHeardNanos = System.nanoTime();
    sink.accepted(ack);
    grantOwedCredit();
  }

  void onFrame(Frame frame) {
    if (finished) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    switch (frame.type()) {
      case CHUNK -> {
        sink.chunk(frame.value(), frame.text());
        if (access.chunks == 0) {
          streams.firstChunk(access.startedNanos);
        }
        access.chunk(lastHeardNanos);
        streams.chunkToCaller();
        owedCredits++;
        returnCreditWhenDrained();
      }
      case END -> {
        finish("completed");
        sink.end(frame.finishReason(), frame.usage());
      }
      case ERROR -> {
        StreamError error = frame.streamError();
        finish(outcome(error));
        sink.fail(error);
      }
      default -> {
        // PING: lastHeardNanos is all it is for.
      }
    }
  }

  /** The stream cannot go on (no worker, a lost worker): answer the caller and tell the worker. */
  void fail(StreamError error) {
    if (finished) {
      return;
    }
    cancelWorker();
    finish(outcome(error));
    sink.fail(error);
  }

  private static String outcome(StreamError error) {
    return error.status() == 504 ? "timed_out" : "failed";
  }

  /** The caller closed or reset its connection. */
  void callerGone() {
    if (finished) {
      return;
    }
    cancelWorker();
    finish("cancelled");
  }

  void ping() {
    send(Frame.ping(id));
  }

  /**
   * Credit goes back only once the caller's connection has taken the chunks, so a slow reader
   * holds at most one window of chunks in this service.
   */
  private void returnCreditWhenDrained() {
    if (sink.writeQueueFull()) {
      if (!awaitingDrain) {
        awaitingDrain = true;
        sink.drainHandler(v -> {
          awaitingDrain = false;
          grantOwedCredit();
        });
      }
    } else if (owedCredits >= creditBatch) {
      grantOwedCredit();
    }
  }

  private void grantOwedCredit() {
    if (owedCredits > 0 && workerInbox != null && !finished) {
      send(Frame.credit(id, owedCredits));
      owedCredits = 0;
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

  private void finish(String outcome) {
    finished = true;
    access.outcome = outcome;
    streams.remove(this);
    streams.ended(access);
  }
}
