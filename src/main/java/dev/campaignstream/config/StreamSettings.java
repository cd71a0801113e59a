package dev.campaignstream.config;

/**
 * The stream protocol between the HTTP side and the workers, which both sides must agree on.
 *
 * @param creditWindow       chunks a worker may send ahead of the caller's reading
 * @param heartbeatMs        an instance that has sent nothing to a peer for this long sends it a ping
 * @param livenessTimeoutMs  an instance that has heard nothing from a peer for this long gives up its streams
 * @param handshakeTimeoutMs how long the HTTP side waits for a worker to take a new stream
 * @param reconnectGraceMs   how long an event stream whose last caller dropped waits for it to reconnect; 0 = not
 */
public record StreamSettings(int creditWindow, long heartbeatMs, long livenessTimeoutMs, long handshakeTimeoutMs,
    long reconnectGraceMs) {
}
