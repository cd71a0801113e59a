package dev.campaignstream.front;

import dev.campaignstream.budget.KeyBudgets;
import dev.campaignstream.budget.UsageLog;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.ops.WorkerHealth;
import dev.campaignstream.sharing.Campaigns;

/**
 * What all HTTP verticle instances of one node share: the contract (loaded once), the stream
 * cap, the metrics, the node's lifecycle, the campaigns being written and cached, the health
 * of the node's own workers (none on an HTTP-only node), the callers' limits and the usage log.
 */
public record FrontNode(ApiContract contract, StreamLimiter limiter, ServiceMetrics metrics, Lifecycle lifecycle,
    Campaigns shared, WorkerHealth workers, KeyBudgets budgets, UsageLog usage) {
}
