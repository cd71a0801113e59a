package dev.campaignstream.config;

/**
 * The clustered event bus (Hazelcast).
 *
 * @param enabled      join a cluster; off for a single node
 * @param name         nodes join only a cluster of the same name
 * @param host         this node's address for Hazelcast and the event bus
 * @param port         Hazelcast's first port (the next free one is taken)
 * @param members      comma-separated {@code host[:port]} of nodes to join
 * @param eventBusPort the event bus's port; 0 picks a free one
 * @param configPath   the Hazelcast configuration template
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, String members, int eventBusPort,
    String configPath) {

  public ClusterSettings enable() {
    return new ClusterSettings(true, name, host, port, members, eventBusPort, configPath);
  }
}
