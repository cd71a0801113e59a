package dev.campaignstream.http;

import dev.campaignstream.metrics.ServiceMetrics;

/**
 * What all HTTP verticle instances of one node share: the contract (loaded once), the stream
 * cap, the metrics and the node's lifecycle.
 */
public record FrontNode(ApiContract contract, StreamLimiter limiter, ServiceMetrics metrics, Lifecycle lifecycle) {
}
