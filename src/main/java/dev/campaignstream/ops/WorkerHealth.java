package dev.campaignstream.ops;

import java.util.List;

/** What readiness needs to know of the node's own OpenAI workers, without depending on them. */
public interface WorkerHealth {

  /** The state of each running worker instance's circuit breaker ({@code CLOSED}, {@code HALF_OPEN}, {@code OPEN}); empty when none runs here. */
  List<String> circuits();
}
