package dev.campaignstream.sharing;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campaigns being written in the cluster, by campaign key: Hazelcast's map {@value #MAP},
 * campaign key to its {@link StreamOwner}. A node claims a key before it pays for a campaign, so
 * that of all the HTTP nodes asked for it at once exactly one calls OpenAI and the others follow
 * its stream; every change is one entry processor on the member that owns the key, so a claim
 * is one atomic step and no event loop waits for it.
 *
 * <p>A claim does not outlive its owner: each entry expires a liveness timeout (and up to a second more) after its last write unless its
 * owner refreshes it (every third of it), and when a member leaves the cluster the others drop its
 * claims at once. An owner whose refresh finds another node's claim in its place (the two sides of
 * a split, merged again) has lost the key, and is told so at that refresh.
 */
public final class StreamOwners {

  public static final String MAP = "campaign.streams";
  private static final Logger LOG = LoggerFactory.getLogger(StreamOwners.class);

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final String node;
  private final String member;
  private final long ttlMs;
  /** The keys this node holds, with what to do should it lose one. */
  private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();
  private final long refreshTimer;

  private record Held(String encoded, Consumer<StreamOwner> lost) {
  }

  /**
   * Hazelcast keeps an entry's times to the second: a TTL of {@code n} seconds may end anywhere
   * in the {@code n}-th second after the write. A second more keeps a claim for its whole liveness
   * timeout after each refresh.
   */
  static final long TTL_GRAIN_MS = 1_000;

  /** @param livenessMs how long a claim outlives its last refresh, at least: the liveness timeout */
  public StreamOwners(Vertx vertx, HazelcastInstance hazelcast, String node, long livenessMs) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.node = node;
    this.member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    this.ttlMs = livenessMs + TTL_GRAIN_MS;
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        dropClaimsOf(event.getMember().getUuid().toString());
      }
    });
    this.refreshTimer = vertx.setPeriodic(Math.max(10, livenessMs / 3), id -> refresh());
  }

  /** This node's name, as owners are named in access logs. */
  public String node() {
    return node;
  }

  /** The owner this node would be of {@code streamId}, followed at {@code joinAddress}. */
  public StreamOwner owner(String joinAddress, String streamId) {
    return new StreamOwner(node, member, joinAddress, streamId);
  }

  /**
   * Claims {@code key} for {@code mine}, in place of nobody or of {@code replacing} (an owner that
   * did not answer). Null when the claim is this node's now, else the owner that holds the key.
   */
  public Future<StreamOwner> claim(String key, StreamOwner mine, StreamOwner replacing, Consumer<StreamOwner> lost) {
    String encoded = mine.encode();
    return call(map.submitToKey(key, new Claim(encoded, replacing == null ? null : replacing.encode(), ttlMs)))
        .map(current -> {
          if (current == null) {
            held.put(key, new Held(encoded, lost));
          }
          return StreamOwner.decode(current);
        });
  }

  /** Who writes {@code key} now, or null. */
  public Future<StreamOwner> find(String key) {
    return call(map.getAsync(key)).map(StreamOwner::decode);
  }

  /** This node no longer writes {@code key} for {@code mine}: the claim goes, unless another node's replaced it. */
  public void release(String key, StreamOwner mine) {
    String encoded = mine.encode();
    held.computeIfPresent(key, (k, claim) -> claim.encoded().equals(encoded) ? null : claim);
    map.submitToKey(key, new Release(encoded)).exceptionally(failure -> {
      // It expires after the TTL all the same.
      LOG.warn("Could not release the claim on a campaign stream: {}", failure.toString());
      return null;
    });
  }

  /** Claims held by this node now. */
  public int held() {
    return held.size();
  }

  public void close() {
    vertx.cancelTimer(refreshTimer);
  }

  /** Each claim this node holds lives on for another TTL; one that another node holds now is lost. */
  private void refresh() {
    // A claim that expired meanwhile (a long pause) is set again, unless another node's took its place.
    held.forEach((key, claim) -> map.submitToKey(key, new Claim(claim.encoded(), null, ttlMs)).whenComplete(
        (current, failure) -> {
          if (failure != null) {
            // Partitions moving, or a split: the next refresh tries again before the entry expires.
            LOG.debug("Could not refresh a campaign stream claim: {}", failure.toString());
          } else if (current != null && held.remove(key, claim)) {
            LOG.warn("Node {} lost its claim on a campaign stream to node {}", node, StreamOwner.decode(current).node());
            vertx.runOnContext(v -> claim.lost().accept(StreamOwner.decode(current)));
          }
        }));
  }

  /** On a worker thread: Hazelcast's call over every entry waits for all partitions. */
  private void dropClaimsOf(String gone) {
    vertx.executeBlocking(() -> map.executeOnEntries(new DropMember(gone)).size())
        .onSuccess(dropped -> LOG.info("Member {} left the cluster: its claims on campaign streams are dropped", gone))
        .onFailure(failure -> LOG.warn("Could not drop the stream claims of member {} that left: {}", gone,
            failure.toString()));
  }

  private <T> Future<T> call(java.util.concurrent.CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  // ------------------------------------------------------------------ the changes, on the key's member

  /**
   * Sets the claim, with its TTL, unless another owner than the one replaced holds it: returns
   * that one. Setting one's own claim again gives it another TTL.
   */
  public static final class Claim implements EntryProcessor<String, String, String>, DataSerializable {

    private String mine;
    private String replacing;
    private long ttlMs;

    public Claim() {
    }

    Claim(String mine, String replacing, long ttlMs) {
      this.mine = mine;
      this.replacing = replacing;
      this.ttlMs = ttlMs;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      StreamOwner current = StreamOwner.decode(entry.getValue());
      StreamOwner claimant = StreamOwner.decode(mine);
      if (current != null && !current.equals(StreamOwner.decode(replacing)) && !current.equals(claimant)) {
        return entry.getValue();
      }
      ((ExtendedMapEntry<String, String>) entry).setValue(mine, ttlMs, TimeUnit.MILLISECONDS);
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(mine);
      out.writeString(replacing);
      out.writeLong(ttlMs);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      mine = in.readString();
      replacing = in.readString();
      ttlMs = in.readLong();
    }
  }

  /** Removes the claim if it is still the one given. */
  public static final class Release implements EntryProcessor<String, String, Boolean>, DataSerializable {

    private String mine;

    public Release() {
    }

    Release(String mine) {
      this.mine = mine;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      if (Objects.equals(StreamOwner.decode(entry.getValue()), StreamOwner.decode(mine))) {
        entry.setValue(null);
        return true;
      }
      return false;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(mine);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      mine = in.readString();
    }
  }

  /** Removes every claim of a member that left the cluster. */
  public static final class DropMember implements EntryProcessor<String, String, Boolean>, DataSerializable {

    private String member;

    public DropMember() {
    }

    DropMember(String member) {
      this.member = member;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      StreamOwner owner = StreamOwner.decode(entry.getValue());
      if (owner != null && member.equals(owner.member())) {
        entry.setValue(null);
        return true;
      }
      return false;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(member);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      member = in.readString();
    }
  }
}
