package dev.campaignstream.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the workers of one node hold right now, shared by its worker instances: open streams,
 * and chunks parsed from OpenAI but waiting for the caller's credit. Both must return to zero
 * when the streams end, whatever way they end.
 */
public final class WorkerLoad {

  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicLong bufferedChunks = new AtomicLong();

  public int streams() {
    return streams.get();
  }

  public long bufferedChunks() {
    return bufferedChunks.get();
  }

  void streamOpened() {
    streams.incrementAndGet();
  }

  void streamClosed() {
    streams.decrementAndGet();
  }

  void buffered(long delta) {
    bufferedChunks.addAndGet(delta);
  }
}
