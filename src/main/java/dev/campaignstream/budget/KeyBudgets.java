package dev.campaignstream.budget;

import dev.campaignstream.keys.CallerKey;
import io.vertx.core.Future;

/**
 * Each key's limits, counted where every HTTP node sees the same counts: in the process on a single
 * node ({@link LocalKeyBudgets}), in the cluster manager's map in a cluster ({@link ClusterKeyBudgets}).
 */
public interface KeyBudgets {

  /**
   * Admits a campaign request of {@code key}, counting it and taking one of its stream slots, or
   * refuses it by the limit it is over. A key with no limits is admitted without being counted.
   */
  Future<Verdict> admit(CallerKey key);

  /** A stream {@link #admit} counted for {@code key} ended, however it ended. */
  void release(CallerKey key);

  /** Adds tokens to {@code keyName}'s count of the current UTC day. */
  void charge(String keyName, long tokens);
}
