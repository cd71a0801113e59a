package dev.campaignstream.config;

/**
 * The HTTP front.
 *
 * @param host                 address to bind
 * @param port                 port to bind (0 picks a free one)
 * @param maxConcurrentStreams streams this node serves at once; beyond it callers get 503 at once
 * @param drainTimeoutMs       on SIGTERM, how long streams in flight may go on before they are ended
 */
public record HttpSettings(String host, int port, int maxConcurrentStreams, long drainTimeoutMs) {
}
