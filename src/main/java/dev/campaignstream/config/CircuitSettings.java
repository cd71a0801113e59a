package dev.campaignstream.config;

/**
 * The circuit breaker around OpenAI calls, one per worker instance.
 *
 * @param maxFailures    failed calls in a row (5xx, 408, no connection; not a 429, which is a limit) that open the circuit
 * @param resetTimeoutMs how long it stays open before one probe call is let through (half-open)
 */
public record CircuitSettings(int maxFailures, long resetTimeoutMs) {
}
