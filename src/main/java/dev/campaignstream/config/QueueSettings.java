package dev.campaignstream.config;

/**
 * The wait of a new stream that no upstream can take at once.
 *
 * @param maxWaitMs  how long a stream waits while every upstream is rate-limited, capped or behind an open circuit
 * @param maxSize    streams waiting at once on one worker node; more are answered at once
 * @param poolWaitMs how long a stream waits while this node's own connections to the upstreams are all in use
 */
public record QueueSettings(long maxWaitMs, int maxSize, long poolWaitMs) {
}
