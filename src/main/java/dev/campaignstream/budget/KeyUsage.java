package dev.campaignstream.budget;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What one key has spent: the campaign requests it started in the last minute, its streams open
 * now, and its tokens of the current UTC day. The same counters serve a single node (in the
 * process, under a lock) and a cluster (a value of Hazelcast's map, changed only by entry
 * processors on the member that owns it).
 *
 * <p>The rolling minute is kept as 60 one-second buckets: constant size whatever the limit, exact
 * to the second. Open streams are counted per cluster member, so that a member that dies can have
 * its share dropped rather than hold the key's slots for ever.
 */
public final class KeyUsage implements DataSerializable {

  static final int WINDOW_SECONDS = 60;
  private static final long DAY_MILLIS = 86_400_000L;

  private int[] startedPerSecond = new int[WINDOW_SECONDS];
  /** The newest second the buckets describe; never moves back, should a clock do. */
  private long newestSecond;
  private Map<String, Integer> openByMember = new HashMap<>(4);
  /** The UTC day, as days since the epoch, that {@link #tokens} counts. */
  private long day;
  private long tokens;

  /** For Hazelcast's deserialization, and a key's first request. */
  public KeyUsage() {
  }

  /**
   * Admits a campaign request, counting it and its stream, or refuses it by the limit that frees
   * last (coming back when only another one frees would be refused again).
   */
  Verdict admit(Quota quota, String member, long nowMillis) {
    long second = Math.floorDiv(nowMillis, 1000);
    advanceTo(second);
    rollDay(nowMillis);
    long started = startedInWindow();
    long open = openStreams();
    long tokensReset = secondsToNextDay(nowMillis);
    Limit refused = null;
    long wait = 0;
    if (quota.requestsPerMinute >= 0 && started >= quota.requestsPerMinute) {
      refused = Limit.REQUESTS_PER_MINUTE;
      wait = secondsUntilOldestLeaves(second);
    }
    if (quota.concurrentStreams >= 0 && open >= quota.concurrentStreams && wait < 1) {
      // A stream may end at any moment: nothing better to tell than to try again shortly.
      refused = Limit.CONCURRENT_STREAMS;
      wait = 1;
    }
    if (quota.tokensPerDay >= 0 && tokens >= quota.tokensPerDay && tokensReset > wait) {
      refused = Limit.TOKENS_PER_DAY;
      wait = tokensReset;
    }
    if (refused == null) {
      startedPerSecond[bucket(newestSecond)]++;
      openByMember.merge(member, 1, Integer::sum);
      started++;
      open++;
    }
    return new Verdict(refused, wait,
        left(quota.requestsPerMinute, started), started == 0 ? 0 : secondsUntilOldestLeaves(second),
        left(quota.concurrentStreams, open),
        left(quota.tokensPerDay, tokens), tokensReset);
  }

  /** One of {@code member}'s streams of this key ended. */
  void release(String member) {
    openByMember.computeIfPresent(member, (m, count) -> count <= 1 ? null : count - 1);
  }

  /** Adds tokens to the current UTC day's count. */
  void charge(long spent, long nowMillis) {
    rollDay(nowMillis);
    tokens += spent;
  }

  /** Forgets the streams a member that left the cluster held; true when it held any. */
  boolean dropMember(String member) {
    return openByMember.remove(member) != null;
  }

  long openStreams() {
    long open = 0;
    for (int count : openByMember.values()) {
      open += count;
    }
    return open;
  }

  long tokensToday(long nowMillis) {
    return Math.floorDiv(nowMillis, DAY_MILLIS) == day ? tokens : 0;
  }

  private void advanceTo(long second) {
    if (second <= newestSecond) {
      return;
    }
    long stale = Math.min(WINDOW_SECONDS, second - newestSecond);
    for (long s = second - stale + 1; s <= second; s++) {
      startedPerSecond[bucket(s)] = 0;
    }
    newestSecond = second;
  }

  private long startedInWindow() {
    long started = 0;
    for (int count : startedPerSecond) {
      started += count;
    }
    return started;
  }

  /** Seconds until the oldest request counted in the window leaves it, freeing a place: 1 to 60. */
  private long secondsUntilOldestLeaves(long second) {
    for (long s = newestSecond - WINDOW_SECONDS + 1; s <= newestSecond; s++) {
      if (startedPerSecond[bucket(s)] > 0) {
        return Math.max(1, Math.min(WINDOW_SECONDS, s + WINDOW_SECONDS - second));
      }
    }
    return WINDOW_SECONDS;
  }

  private void rollDay(long nowMillis) {
    long today = Math.floorDiv(nowMillis, DAY_MILLIS);
    if (today > day) {
      day = today;
      tokens = 0;
    }
  }

  private static long secondsToNextDay(long nowMillis) {
    long next = (Math.floorDiv(nowMillis, DAY_MILLIS) + 1) * DAY_MILLIS;
    return Math.max(1, (next - nowMillis + 999) / 1000);
  }

  private static int bucket(long second) {
    return (int) Math.floorMod(second, (long) WINDOW_SECONDS);
  }

  private static long left(long limit, long used) {
    return limit < 0 ? -1 : Math.max(0, limit - used);
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeIntArray(startedPerSecond);
    out.writeLong(newestSecond);
    out.writeInt(openByMember.size());
    for (Map.Entry<String, Integer> open : openByMember.entrySet()) {
      out.writeString(open.getKey());
      out.writeInt(open.getValue());
    }
    out.writeLong(day);
    out.writeLong(tokens);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    startedPerSecond = in.readIntArray();
    newestSecond = in.readLong();
    int members = in.readInt();
    openByMember = new HashMap<>(Math.max(4, members * 2));
    for (int i = 0; i < members; i++) {
      openByMember.put(in.readString(), in.readInt());
    }
    day = in.readLong();
    tokens = in.readLong();
  }
}
