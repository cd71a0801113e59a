package dev.campaignstream.simulator;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stream counters. {@link OpenAiSimulator#reset()} swaps in a fresh instance; a session keeps the instance it
 * started with, so a stream still running across a reset cannot push the new counts negative.
 * Invariant once all sessions settle: started = completed + aborted + faulted + active.
 */
final class Counters {
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger completed = new AtomicInteger();
  final AtomicInteger aborted = new AtomicInteger();
  final AtomicInteger faulted = new AtomicInteger();
  final AtomicInteger paused = new AtomicInteger();
  /** Requests refused with a 429 because they were beyond the played rate limit (not streams). */
  final AtomicInteger rateLimited = new AtomicInteger();
}
