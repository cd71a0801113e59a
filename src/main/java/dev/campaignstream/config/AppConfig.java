package dev.campaignstream.config;

/**
 * The whole configuration, read once at start-up and handed to the verticles.
 *
 * @param role            what this node runs
 * @param nodeName        how this node is named in logs (the worker that served a stream)
 * @param httpInstances   HTTP verticle instances
 * @param workerInstances OpenAI worker verticle instances
 * @param demo            when true, OpenAI is replaced by the built-in simulator and no key is needed
 * @param usageLogFile    where the usage log is appended, one JSON line per campaign request
 */
public record AppConfig(
    HttpSettings http,
    OpenAiSettings openai,
    StreamSettings stream,
    CacheSettings cache,
    ClusterSettings cluster,
    NodeRole role,
    String nodeName,
    int httpInstances,
    int workerInstances,
    boolean demo,
    String usageLogFile) {

  public AppConfig withOpenAi(OpenAiSettings settings) {
    return new AppConfig(http, settings, stream, cache, cluster, role, nodeName, httpInstances, workerInstances, demo,
        usageLogFile);
  }

  /** Applies the command line: {@code --demo}, {@code --cluster}, {@code --role}. */
  public AppConfig withFlags(boolean demoFlag, boolean clusterFlag, NodeRole roleFlag) {
    return new AppConfig(http, openai, stream, cache, clusterFlag ? cluster.enable() : cluster,
        roleFlag == null ? role : roleFlag, nodeName, httpInstances, workerInstances, demo || demoFlag, usageLogFile);
  }

  /** Only workers call OpenAI, so only they need its key. */
  public boolean needsApiKey() {
    return role.runsWorkers() && !demo;
  }
}
