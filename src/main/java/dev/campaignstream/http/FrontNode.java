package dev.campaignstream.http;

import dev.campaignstream.metrics.ServiceMetrics;

/**
 * What all HTTP verticle instances of one node share: the contract (loaded once), the stream
 * cap, the metrics, the node's lifecycle, and the campaigns being written and cached.
 */
public record FrontNode(ApiContract contract, StreamLimiter limiter, ServiceMetrics metrics, Lifecycle lifecycle,
    SharedCampaigns shared) {
}
