package dev.campaignstream.budget;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.campaignstream.keys.CallerKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits of a cluster: one {@link KeyUsage} per key name in Hazelcast's map {@value #MAP}, each
 * changed only by an entry processor that runs on the member owning the key's partition, so that
 * the check and the count of an admission are one atomic step, wherever the request came in. One
 * asynchronous call per admission, one per stream's end, one per charge: no event loop waits.
 *
 * <p>Open streams are counted per member. When a member leaves the cluster (or dies), every node
 * drops that member's share of every key (the same change, done once however many do it), so a
 * dead node's streams never hold a key's slots. The map keeps one backup, as the cache does, so a
 * member's death loses no count.
 */
public final class ClusterKeyBudgets implements KeyBudgets {

  public static final String MAP = "campaign.budgets";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterKeyBudgets.class);

  private final Vertx vertx;
  private final IMap<String, KeyUsage> map;
  private final String member;

  public ClusterKeyBudgets(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        dropStreamsOf(event.getMember().getUuid().toString());
      }
    });
  }

  @Override
  public Future<Verdict> admit(CallerKey key) {
    Quota quota = Quota.of(key.limits());
    if (quota.unlimited()) {
      return Future.succeededFuture(Verdict.UNLIMITED);
    }
    return Future.fromCompletionStage(map.submitToKey(key.name(), new Admit(quota, member)),
        vertx.getOrCreateContext());
  }

  @Override
  public void release(CallerKey key) {
    map.submitToKey(key.name(), new Release(member, false)).exceptionally(failure -> {
      LOG.warn("Could not give back a stream of key {}: {}", key.name(), failure.toString());
      return null;
    });
  }

  @Override
  public void charge(String keyName, long tokens) {
    if (tokens <= 0) {
      return;
    }
    map.submitToKey(keyName, new Charge(tokens)).exceptionally(failure -> {
      LOG.warn("Could not count {} tokens of key {}: {}", tokens, keyName, failure.toString());
      return null;
    });
  }

  /** On a worker thread: Hazelcast's call over every entry waits for all partitions. */
  private void dropStreamsOf(String gone) {
    vertx.executeBlocking(() -> map.executeOnEntries(new Release(gone, true)).size())
        .onSuccess(keys -> LOG.info("Member {} left the cluster: its open streams no longer count", gone))
        .onFailure(failure -> LOG.warn("Could not drop the streams of member {} that left: {}", gone,
            failure.toString()));
  }

  /**
   * Each processor fixes the time once, on the member that owns the entry, and runs again as it is
   * on the backup: the backup then makes exactly the same change.
   */
  public static final class Admit implements EntryProcessor<String, KeyUsage, Verdict>, DataSerializable {

    private Quota quota;
    private String member;
    private long nowMillis = -1;

    public Admit() {
    }

    Admit(Quota quota, String member) {
      this.quota = quota;
      this.member = member;
    }

    @Override
    public Verdict process(Map.Entry<String, KeyUsage> entry) {
      if (nowMillis < 0) {
        nowMillis = System.currentTimeMillis();
      }
      KeyUsage usage = entry.getValue() == null ? new KeyUsage() : entry.getValue();
      Verdict verdict = usage.admit(quota, member, nowMillis);
      if (verdict.admitted()) {
        entry.setValue(usage);
      }
      return verdict;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      quota.writeData(out);
      out.writeString(member);
      out.writeLong(nowMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      quota = new Quota();
      quota.readData(in);
      member = in.readString();
      nowMillis = in.readLong();
    }
  }

  /** Gives back one of a member's streams, or, for a member that left, all of them. */
  public static final class Release implements EntryProcessor<String, KeyUsage, Boolean>, DataSerializable {

    private String member;
    private boolean all;

    public Release() {
    }

    Release(String member, boolean all) {
      this.member = member;
      this.all = all;
    }

    @Override
    public Boolean process(Map.Entry<String, KeyUsage> entry) {
      KeyUsage usage = entry.getValue();
      if (usage == null) {
        return false;
      }
      boolean changed = true;
      if (all) {
        changed = usage.dropMember(member);
      } else {
        usage.release(member);
      }
      if (changed) {
        entry.setValue(usage);
      }
      return changed;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(member);
      out.writeBoolean(all);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      member = in.readString();
      all = in.readBoolean();
    }
  }

  /** Adds tokens to the day's count. */
  public static final class Charge implements EntryProcessor<String, KeyUsage, Void>, DataSerializable {

    private long tokens;
    private long nowMillis = -1;

    public Charge() {
    }

    Charge(long tokens) {
      this.tokens = tokens;
    }

    @Override
    public Void process(Map.Entry<String, KeyUsage> entry) {
      if (nowMillis < 0) {
        nowMillis = System.currentTimeMillis();
      }
      KeyUsage usage = entry.getValue() == null ? new KeyUsage() : entry.getValue();
      usage.charge(tokens, nowMillis);
      entry.setValue(usage);
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(tokens);
      out.writeLong(nowMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      tokens = in.readLong();
      nowMillis = in.readLong();
    }
  }
}
