package dev.campaignstream.config;

import java.util.Locale;

/** What a node runs: everything (one node), only the HTTP front, or only OpenAI workers. */
public enum NodeRole {
  ALL, HTTP, WORKER;

  public boolean runsHttp() {
    return this != WORKER;
  }

  public boolean runsWorkers() {
    return this != HTTP;
  }

  public static NodeRole parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Node role must be all, http or worker, got '" + value + "'");
    }
  }
}
