package dev.campaignstream.budget;

import dev.campaignstream.trace.Tracing;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.campaignstream.ClusteredVertx;
import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.config.ClusterSettings;
import dev.campaignstream.keys.CallerKey;
import dev.campaignstream.keys.KeyLimits;
import dev.campaignstream.support.Eventually;
import dev.campaignstream.support.JarProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two cluster members in one JVM, each with its own Vert.x and Hazelcast: a key's counts are the
 * cluster's, whichever member admits, and a member that dies takes its open streams with it.
 */
@ExtendWith(VertxExtension.class)
class ClusterKeyBudgetsTest {

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void aKeysLimitsHoldAcrossMembersAndAMemberThatDiedHoldsNoStream(Vertx vertx, VertxTestContext testContext)
      throws Exception {
    ClusterSettings cluster = new ClusterSettings(true, "budgets-" + UUID.randomUUID(), "127.0.0.1",
        JarProcess.freePort(), "", 0, "conf/hazelcast.xml");
    ClusterSettings settings = new ClusterSettings(true, cluster.name(), cluster.host(), cluster.port(),
        "127.0.0.1:" + cluster.port(), 0, cluster.configPath());
    CacheSettings cache = new CacheSettings(true, 60_000, 100, 100, 1000);
    CallerKey key = new CallerKey("acme-web", new KeyLimits(null, 2, 100L), false);
    ClusteredVertx.start(settings, cache, Tracing.OFF).compose(first -> ClusteredVertx.start(settings, cache, Tracing.OFF).compose(second -> {
      ClusterKeyBudgets one = new ClusterKeyBudgets(first, hazelcast(first));
      ClusterKeyBudgets two = new ClusterKeyBudgets(second, hazelcast(second));
      // Once the second member has its share of partitions and backups, as in a cluster that runs.
      return clusterSafe(vertx, second)
          .compose(safe -> one.admit(key))
          .compose(a -> one.admit(key))
          .compose(b -> two.admit(key))
          .compose(refused -> {
            testContext.verify(() -> {
              assertThat(refused.refusedBy()).isEqualTo(Limit.CONCURRENT_STREAMS);
              assertThat(refused.streamsLeft()).isZero();
            });
            one.charge(key.name(), 60);
            // A stream given back on one member frees a slot for the other.
            one.release(key);
            return admitted(vertx, two, key, 5_000);
          })
          .compose(v -> two.admit(key))
          .compose(full -> {
            testContext.verify(() -> assertThat(full.refusedBy()).isEqualTo(Limit.CONCURRENT_STREAMS));
            // The first member dies, as a killed process would: no goodbye, the others notice.
            return vertx.executeBlocking(() -> {
              hazelcast(first).getLifecycleService().terminate();
              return null;
            });
          })
          // The first member's one stream goes with it; the second's stays counted.
          .compose(v -> admitted(vertx, two, key, 20_000))
          .compose(v -> two.admit(key))
          .compose(last -> {
            testContext.verify(() -> {
              assertThat(last.refusedBy()).isEqualTo(Limit.CONCURRENT_STREAMS);
              // The tokens charged through the member that left were kept by the backup.
              assertThat(last.tokensLeft()).isEqualTo(40);
            });
            return Future.join(first.close(), second.close()).otherwiseEmpty();
          });
    })).onComplete(testContext.succeedingThenComplete());
  }

  /** Asks until the key is admitted (a refused request counts nothing), then holds that stream. */
  private static Future<Void> admitted(Vertx vertx, KeyBudgets budgets, CallerKey key, long withinMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
    return budgets.admit(key).compose(verdict -> {
      if (verdict.admitted()) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new AssertionError("Not admitted within " + withinMs + " ms"));
      }
      return Eventually.sleep(vertx, 50).compose(v -> admitted(vertx, budgets, key, withinMs));
    });
  }

  private static Future<Void> clusterSafe(Vertx test, Vertx member) {
    return test.executeBlocking(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!hazelcast(member).getPartitionService().isClusterSafe() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      return null;
    });
  }

  private static HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
  }
}
