package dev.campaignstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.config.ClusterSettings;
import dev.campaignstream.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes example parses, and holds what the service relies on: its environment variables
 * are settings the service has, the probes and metrics are on the management port, the grace
 * period outlasts the drain, every member is found through the headless Service, and the
 * Kubernetes Hazelcast file differs from {@code conf/hazelcast.xml} only in how members are found.
 * (No Kubernetes schema validator can be had offline here: this checks the keys instead.)
 */
@SuppressWarnings("unchecked")
class KubernetesExampleTest {

  private static final Path MANIFEST = Path.of("deploy/kubernetes/campaign-stream.yaml");

  @Test
  void theManifestHoldsWhatTheServiceReliesOn() throws IOException {
    Map<String, Map<String, Object>> byName = documents().stream()
        .collect(Collectors.toMap(doc -> kind(doc) + "/" + get(doc, "metadata", "name"), doc -> doc));
    assertThat(byName).containsOnlyKeys("Service/campaign-stream-cluster", "Service/campaign-stream",
        "Deployment/campaign-stream-http", "Deployment/campaign-stream-worker");
    Map<String, Object> headless = byName.get("Service/campaign-stream-cluster");
    assertThat(get(headless, "spec", "clusterIP")).isEqualTo("None");
    assertThat(get(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
    long drainSeconds = Long.parseLong(Settings.HTTP_DRAIN_TIMEOUT_MS.defaultValue().value().get()) / 1000;
    for (String deployment : List.of("Deployment/campaign-stream-http", "Deployment/campaign-stream-worker")) {
      Map<String, Object> pod = (Map<String, Object>) get(byName.get(deployment), "spec", "template", "spec");
      assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue()).isGreaterThan(drainSeconds);
      Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
      Map<String, String> env = env(container);
      assertThat(env).containsEntry("CLUSTER_CONFIG", "conf/hazelcast-kubernetes.xml")
          .containsEntry("CLUSTER_HOST", "$(POD_IP)").containsEntry("MANAGEMENT_PORT", "9090")
          .containsKey("NODE_NAME");
      assertThat(env.get("CLUSTER_MEMBERS")).startsWith("campaign-stream-cluster.");
      env.keySet().stream().filter(name -> !name.equals("POD_IP")).forEach(name ->
          assertThat(Settings.ALL).as(name).anyMatch(setting -> setting.environmentVariable().orElse("").equals(name)));
      assertThat(get(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
      assertThat(get(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
      assertThat(get(container, "readinessProbe", "httpGet", "port")).isEqualTo("management");
      assertThat((List<String>) container.get("args")).contains("--cluster");
    }
    // The HTTP nodes' Service picks HTTP pods only, without affinity: any node continues any stream.
    Map<String, Object> front = byName.get("Service/campaign-stream");
    assertThat((Map<String, Object>) get(front, "spec", "selector")).containsEntry("app.kubernetes.io/component", "http");
    assertThat(get(front, "spec", "sessionAffinity")).isNull();
  }

  @Test
  void theKubernetesHazelcastFileDiffersOnlyInHowMembersAreFound() {
    Config kubernetes = hazelcast("conf/hazelcast-kubernetes.xml", "campaign-stream-cluster.ns.svc");
    Config tcp = hazelcast("conf/hazelcast.xml", "127.0.0.1");
    JoinConfig join = kubernetes.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("campaign-stream-cluster.ns.svc");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(kubernetes.getMapConfigs()).isEqualTo(tcp.getMapConfigs());
    assertThat(kubernetes.getMultiMapConfigs()).isEqualTo(tcp.getMultiMapConfigs());
    assertThat(kubernetes.getProperties()).isEqualTo(tcp.getProperties());
  }

  private static Config hazelcast(String file, String members) {
    return ClusteredVertx.hazelcastConfig(new ClusterSettings(true, "campaign-stream", "127.0.0.1", 5701, members, 0,
        file), new CacheSettings(true, 60_000, 100, 100, 1000));
  }

  private static List<Map<String, Object>> documents() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(MANIFEST))) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  private static String kind(Map<String, Object> doc) {
    return (String) doc.get("kind");
  }

  private static Map<String, String> env(Map<String, Object> container) {
    return ((List<Map<String, Object>>) container.get("env")).stream().collect(Collectors.toMap(
        entry -> (String) entry.get("name"), entry -> entry.get("value") == null ? "(from)" : (String) entry.get("value")));
  }

  private static Object get(Map<String, Object> map, String... path) {
    Object node = map;
    for (String key : path) {
      node = node == null ? null : ((Map<String, Object>) node).get(key);
    }
    return node;
  }
}
