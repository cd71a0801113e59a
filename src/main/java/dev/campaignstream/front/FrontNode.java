package dev.campaignstream.front;

import dev.campaignstream.budget.KeyBudgets;
import dev.campaignstream.budget.UsageLog;
import dev.campaignstream.keys.KeysFileWatch;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.ops.WorkerHealth;
import dev.campaignstream.sharing.Campaigns;
import dev.campaignstream.trace.Tracing;

/**
 * What all HTTP verticle instances of one node share: the contract (loaded once), the stream
 * cap, the metrics, the node's lifecycle, the campaigns being written and cached, and the health
 * of the node's own workers (none on an HTTP-only node), the caller keys in force (null when
 * callers are not authenticated), whether {@code /metrics} and {@code /health/*} are served on a
 * management port of their own instead of beside the API, the callers' limits and the usage log,
 * and its traces.
 */
public record FrontNode(ApiContract contract, StreamLimiter limiter, ServiceMetrics metrics, Lifecycle lifecycle,
    Campaigns shared, WorkerHealth workers, KeysFileWatch keys, boolean separateManagement, KeyBudgets budgets,
    UsageLog usage, Tracing tracing) {
}
