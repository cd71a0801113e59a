package dev.campaignstream.config;

/**
 * The whole configuration, read once at start-up and handed to the verticles.
 *
 * @param role            what this node runs
 * @param nodeName        how this node is named in logs (the worker that served a stream)
 * @param httpInstances   HTTP verticle instances
 * @param workerInstances OpenAI worker verticle instances
 * @param demo            when true, OpenAI is replaced by the built-in simulator and no key is needed
 * @param auth            how callers are authenticated
 * @param management      where the operators' endpoints are served
 * @param usageLogFile    where the usage log is appended, one JSON line per campaign request
 * @param traceContent    when true, traces carry the brand and the campaign's text
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
    AuthSettings auth,
    ManagementSettings management,
    String usageLogFile,
    boolean traceContent,
    String ioTransport) {

  public AppConfig withOpenAi(OpenAiSettings settings) {
    return new AppConfig(http, settings, stream, cache, cluster, role, nodeName, httpInstances, workerInstances, demo, auth,
        management, usageLogFile, traceContent, ioTransport);
  }

  /** Applies the command line: {@code --demo}, {@code --cluster}, {@code --role}. */
  public AppConfig withFlags(boolean demoFlag, boolean clusterFlag, NodeRole roleFlag) {
    return new AppConfig(http, openai, stream, cache, clusterFlag ? cluster.enable() : cluster,
        roleFlag == null ? role : roleFlag, nodeName, httpInstances, workerInstances, demo || demoFlag, auth, management,
        usageLogFile, traceContent, ioTransport);
  }

  /**
   * The node's event loops: as many as the instances of the verticle it runs most of, so that each
   * of those instances has a loop of its own and the fewer instances of the other verticle share
   * their loops. Each HTTP verticle then finds a worker on its own loop (when the node runs both)
   * and hands its campaigns to it; see {@code LoopWorkers}.
   */
  public int eventLoops() {
    int http = role.runsHttp() ? httpInstances : 0;
    int workers = role.runsWorkers() ? workerInstances : 0;
    return Math.max(1, Math.max(http, workers));
  }

  /** Only workers call OpenAI, so only they need its key. */
  public boolean needsApiKey() {
    return role.runsWorkers() && !demo;
  }

  /**
   * Whether this node's API asks for caller keys: {@code auth.mode} when set, otherwise keys with a
   * keys file, open in demo mode (the simulator costs nothing), and undecided with a real OpenAI
   * behind it. A node that serves no API decides nothing.
   */
  public CallerAuth callerAuth() {
    if (auth.mode().equals("none")) {
      return CallerAuth.OPEN;
    }
    if (auth.mode().equals("keys") || auth.hasKeysFile()) {
      return CallerAuth.KEYS;
    }
    return demo || !role.runsHttp() ? CallerAuth.OPEN : CallerAuth.UNDECIDED;
  }
}
