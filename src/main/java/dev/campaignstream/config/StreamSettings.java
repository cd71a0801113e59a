package dev.campaignstream.config;

/**
 * The stream protocol between the HTTP side and the workers, which both sides must agree on.
 *
 * @param creditWindow       chunks a worker may send ahead of the caller's reading
 * @param heartbeatMs        a side that has sent nothing on a stream for this long sends a ping
 * @param livenessTimeoutMs  a side that has heard nothing on a stream for this long gives it up
 * @param handshakeTimeoutMs how long the HTTP side waits for a worker to take a new stream
 */
public record StreamSettings(int creditWindow, long heartbeatMs, long livenessTimeoutMs, long handshakeTimeoutMs) {
}
