package dev.campaignstream.ops;

import io.vertx.core.json.JsonObject;

/** What readiness needs to know of the node's own OpenAI workers, without depending on them. */
public interface WorkerHealth {

  /** Whether worker instances run on this node now. */
  boolean runsWorkers();

  /**
   * {@code {"available": bool, "upstreams": [{"name", "available", "streams", "reason", "retryAfterMs"}]}}:
   * available while some upstream can take new streams.
   */
  JsonObject health();
}
