package dev.campaignstream.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Nodes of one cluster of their own, each a real {@code java -jar} process on loopback: workers in
 * demo mode (the simulator in their process), HTTP nodes open to callers, short liveness timeouts.
 * Closing it kills every node it started.
 */
public final class JarCluster implements AutoCloseable {

  private final String name = "it-" + UUID.randomUUID();
  private final List<JarProcess> nodes = new ArrayList<>();

  /** Starts a node of {@code role} ({@code http} or {@code worker}) named {@code node}. */
  public JarProcess node(String role, String node, int httpInstances) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "CLUSTER_NAME", name,
        "NODE_NAME", node,
        "STREAM_LIVENESS_TIMEOUT_MS", "2000",
        "STREAM_HEARTBEAT_MS", "500",
        "HTTP_INSTANCES", Integer.toString(httpInstances),
        "WORKER_INSTANCES", "1"));
    if (role.equals("worker")) {
      env.put("DEMO_MODE", "true");
    } else {
      env.put("CALLER_AUTH", "none");
    }
    JarProcess started = JarProcess.start(env, "--cluster", "--role", role);
    nodes.add(started);
    return started;
  }

  @Override
  public void close() {
    nodes.forEach(JarProcess::close);
  }
}
