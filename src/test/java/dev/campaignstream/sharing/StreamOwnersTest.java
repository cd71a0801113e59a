package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster's registry of campaigns being written, on two Hazelcast members in this process:
 * one claim per key, the claim going with its owner (its TTL, its member leaving), and an owner
 * told when another node's claim took its place, as after a split.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class StreamOwnersTest {

  private static HazelcastInstance first;
  private static HazelcastInstance second;
  private final List<StreamOwners> registries = new ArrayList<>();

  @BeforeAll
  static void members() throws Exception {
    String cluster = "owners-" + UUID.randomUUID();
    int port = JarProcess.freePort();
    first = Hazelcast.newHazelcastInstance(member(cluster, port));
    second = Hazelcast.newHazelcastInstance(member(cluster, port));
  }

  @AfterAll
  static void stopMembers() {
    Hazelcast.shutdownAll();
  }

  @AfterEach
  void closeRegistries() {
    registries.forEach(StreamOwners::close);
  }

  @Test
  void ofTwoNodesClaimingOneKeyOneWinsAndTheOtherLearnsWho(Vertx vertx, VertxTestContext testContext) {
    String key = key();
    TwoNodes nodes = twoNodes(vertx, 10_000);
    nodes.h1().claim(key, nodes.mine(), null, lost -> { })
        .compose(won -> nodes.h2().claim(key, nodes.theirs(), null, lost -> { }).map(lostTo -> {
          testContext.verify(() -> {
            assertThat(won).isNull();
            assertThat(lostTo).isEqualTo(nodes.mine());
            assertThat(nodes.h1().held()).isEqualTo(1);
            assertThat(nodes.h2().held()).isZero();
          });
          return lostTo;
        }))
        // A claim released is free for the next node; a release of a claim not one's own does nothing.
        .compose(v -> {
          nodes.h2().release(key, nodes.theirs());
          nodes.h1().release(key, nodes.mine());
          return Eventually.await(vertx, "released", 5_000, () -> first.getMap(StreamOwners.MAP).get(key) == null);
        })
        .compose(v -> nodes.h2().claim(key, nodes.theirs(), null, lost -> { }))
        .compose(won -> nodes.h1().find(key).map(found -> {
          testContext.verify(() -> {
            assertThat(won).isNull();
            assertThat(found).isEqualTo(nodes.theirs());
            assertThat(nodes.h1().held()).isZero();
          });
          return found;
        }))
        .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aClaimLivesWhileItsOwnerRefreshesItAndExpiresOnceItStops(Vertx vertx, VertxTestContext testContext) {
    String key = key();
    StreamOwners h1 = registry(vertx, first, "h1", 600);
    StreamOwners h2 = registry(vertx, second, "h2", 600);
    StreamOwner mine = h1.owner("join-1", "stream-1");
    h1.claim(key, mine, null, lost -> { })
        .compose(won -> Eventually.sleep(vertx, 1_500))
        .compose(v -> h2.find(key))
        .compose(refreshed -> {
          testContext.verify(() -> assertThat(refreshed).isEqualTo(mine));
          // As an owner that stopped (a long pause, a process gone without leaving the cluster).
          h1.close();
          return Eventually.await(vertx, "the claim expired", 5_000,
              () -> second.getMap(StreamOwners.MAP).get(key) == null);
        })
        .onComplete(testContext.succeedingThenComplete());
  }

  /** Hazelcast's TTL counts whole seconds: an unrefreshed claim still lives out its liveness timeout. */
  @Test
  void aClaimLivesAtLeastItsLivenessTimeoutAfterItsLastRefresh(Vertx vertx, VertxTestContext testContext) {
    StreamOwners h1 = registry(vertx, first, "h1", 1_000);
    List<String> keys = new ArrayList<>();
    List<Future<StreamOwner>> claims = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add(key());
      claims.add(h1.claim(keys.get(i), h1.owner("join-1", "stream-" + i), null, lost -> { }));
    }
    Future.all(claims)
        .compose(v -> {
          // No refresh from here on: each claim has its TTL alone.
          h1.close();
          return Eventually.sleep(vertx, 900);
        })
        .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
          assertThat(keys).allSatisfy(key -> assertThat(second.getMap(StreamOwners.MAP).get(key)).isNotNull());
          testContext.completeNow();
        })));
  }

  @Test
  void anOwnerWhoseClaimAnotherNodeTookIsToldAtItsNextRefresh(Vertx vertx, VertxTestContext testContext) {
    String key = key();
    TwoNodes nodes = twoNodes(vertx, 1_000);
    Promise<StreamOwner> told = Promise.promise();
    long[] replacedAt = new long[1];
    nodes.h1().claim(key, nodes.mine(), null, told::tryComplete)
        // The other side of a split claimed it too, and the merge kept theirs.
        .compose(won -> {
          replacedAt[0] = System.nanoTime();
          second.<String, String>getMap(StreamOwners.MAP).put(key, nodes.theirs().encode());
          return told.future();
        })
        .onComplete(testContext.succeeding(winner -> testContext.verify(() -> {
          assertThat(winner).isEqualTo(nodes.theirs());
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - replacedAt[0])).isLessThan(1_000);
          assertThat(nodes.h1().held()).isZero();
          assertThat(second.getMap(StreamOwners.MAP).get(key)).isEqualTo(nodes.theirs().encode());
          testContext.completeNow();
        })));
  }

  @Test
  void theClaimsOfAMemberThatLeftAreDroppedAtOnce(Vertx vertx, VertxTestContext testContext) {
    String key = key();
    String cluster = first.getConfig().getClusterName();
    int port = first.getCluster().getLocalMember().getAddress().getPort();
    HazelcastInstance leaving = Hazelcast.newHazelcastInstance(member(cluster, port));
    StreamOwners h1 = registry(vertx, first, "h1", 60_000);
    StreamOwners gone = registry(vertx, leaving, "h3", 60_000);
    gone.claim(key, gone.owner("join-3", "stream-3"), null, lost -> { })
        .compose(won -> h1.find(key))
        .compose(claimed -> {
          testContext.verify(() -> assertThat(claimed).isNotNull());
          gone.close();
          leaving.getLifecycleService().terminate();
          // Well within the TTL, which alone would keep it for a minute.
          return Eventually.await(vertx, "the claim dropped", 10_000,
              () -> first.getMap(StreamOwners.MAP).get(key) == null);
        })
        .compose(v -> h1.claim(key, h1.owner("join-1", "stream-1"), null, lost -> { }))
        .onComplete(testContext.succeeding(won -> testContext.verify(() -> {
          assertThat(won).isNull();
          testContext.completeNow();
        })));
  }

  /** A node on each member, and the owner each would be of a stream of its own. */
  private record TwoNodes(StreamOwners h1, StreamOwners h2, StreamOwner mine, StreamOwner theirs) {
  }

  private TwoNodes twoNodes(Vertx vertx, long livenessMs) {
    StreamOwners h1 = registry(vertx, first, "h1", livenessMs);
    StreamOwners h2 = registry(vertx, second, "h2", livenessMs);
    return new TwoNodes(h1, h2, h1.owner("join-1", "stream-1"), h2.owner("join-2", "stream-2"));
  }

  private StreamOwners registry(Vertx vertx, HazelcastInstance member, String node, long ttlMs) {
    StreamOwners registry = new StreamOwners(vertx, member, node, ttlMs);
    registries.add(registry);
    return registry;
  }

  private static String key() {
    return "campaign-" + UUID.randomUUID();
  }

  private static Config member(String cluster, int port) {
    Config config = new Config().setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    return config;
  }
}
