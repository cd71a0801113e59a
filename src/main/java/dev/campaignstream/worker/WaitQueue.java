package dev.campaignstream.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The streams of one worker instance waiting for an upstream, fair across caller keys: each
 * key has its own line, and the lines take turns, so that one key's burst cannot keep the others
 * waiting behind it. Streams of callers without a key share one line. Runs on the instance's
 * event loop only.
 *
 * @param <T> a waiting stream
 */
final class WaitQueue<T> {

  private static final String NO_KEY = "";

  private final Map<String, ArrayDeque<T>> lines = new LinkedHashMap<>();
  private int size;
  /** A waiter let go may end at once, and its end let the next go: that runs in the release under way. */
  private boolean releasing;

  void add(String key, T waiter) {
    lines.computeIfAbsent(key == null ? NO_KEY : key, k -> new ArrayDeque<>()).addLast(waiter);
    size++;
  }

  void remove(String key, T waiter) {
    String line = key == null ? NO_KEY : key;
    ArrayDeque<T> waiting = lines.get(line);
    if (waiting != null && waiting.remove(waiter)) {
      size--;
      if (waiting.isEmpty()) {
        lines.remove(line);
      }
    }
  }

  int size() {
    return size;
  }

  /**
   * Lets waiters go, one per line in turn, while {@code start} takes them (it returns false when
   * no upstream can take that one now, and the line waits). A line that had a turn goes to the
   * back, so the next round starts with the next key.
   */
  void release(Predicate<T> start) {
    if (releasing) {
      return;
    }
    releasing = true;
    try {
      releaseInTurn(start);
    } finally {
      releasing = false;
    }
  }

  private void releaseInTurn(Predicate<T> start) {
    boolean progress = true;
    while (progress && size > 0) {
      progress = false;
      List<String> served = new ArrayList<>();
      for (String key : new ArrayList<>(lines.keySet())) {
        ArrayDeque<T> line = lines.get(key);
        T first = line == null ? null : line.pollFirst();
        if (first == null) {
          continue;
        }
        size--;
        if (line.isEmpty()) {
          lines.remove(key);
        }
        if (start.test(first)) {
          progress = true;
          served.add(key);
        } else {
          // Not yet: back at the head of its line.
          lines.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(first);
          size++;
        }
      }
      for (String key : served) {
        ArrayDeque<T> rest = lines.remove(key);
        if (rest != null) {
          lines.put(key, rest);
        }
      }
    }
  }

  /** Every waiter, line by line: what waits now, for diagnostics and tests (each stream times itself out). */
  List<T> all() {
    List<T> all = new ArrayList<>(size);
    lines.values().forEach(all::addAll);
    return all;
  }
}
