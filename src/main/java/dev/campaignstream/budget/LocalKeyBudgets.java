package dev.campaignstream.budget;

import dev.campaignstream.keys.CallerKey;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits of a single node, in the process: one {@link KeyUsage} per key name (bounded by the
 * keys file), each changed under its own lock by whichever event loop serves the key's callers.
 */
public final class LocalKeyBudgets implements KeyBudgets {

  private static final String MEMBER = "local";

  private final Map<String, KeyUsage> usage = new ConcurrentHashMap<>();

  @Override
  public Future<Verdict> admit(CallerKey key) {
    Quota quota = Quota.of(key.limits());
    if (quota.unlimited()) {
      return Future.succeededFuture(Verdict.UNLIMITED);
    }
    KeyUsage counters = usage.computeIfAbsent(key.name(), name -> new KeyUsage());
    synchronized (counters) {
      return Future.succeededFuture(counters.admit(quota, MEMBER, System.currentTimeMillis()));
    }
  }

  @Override
  public void release(CallerKey key) {
    KeyUsage counters = usage.get(key.name());
    if (counters != null) {
      synchronized (counters) {
        counters.release(MEMBER);
      }
    }
  }

  @Override
  public void charge(String keyName, long tokens) {
    if (tokens <= 0) {
      return;
    }
    KeyUsage counters = usage.computeIfAbsent(keyName, name -> new KeyUsage());
    synchronized (counters) {
      counters.charge(tokens, System.currentTimeMillis());
    }
  }
}
