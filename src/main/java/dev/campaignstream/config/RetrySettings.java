package dev.campaignstream.config;

/**
 * Retries of a failed OpenAI call, made only before any text has gone to the caller.
 *
 * @param maxAttempts      calls in all, the first included (1 disables retries)
 * @param initialBackoffMs first wait; doubled each time, with full jitter
 * @param maxBackoffMs     longest single wait
 * @param maxTotalWaitMs   waits of one stream added up never exceed this; a longer Retry-After is passed on instead
 */
public record RetrySettings(int maxAttempts, long initialBackoffMs, long maxBackoffMs, long maxTotalWaitMs) {
}
