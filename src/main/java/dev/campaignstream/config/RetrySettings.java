package dev.campaignstream.config;

/**
 * Retries of a failed OpenAI call, made only before any text has gone to the caller.
 *
 * @param maxAttempts      calls in all, the first included (1 disables retries)
 * @param initialBackoffMs the backoff before the first retry, doubled for each retry after it; full jitter:
 *                         a wait drawn uniformly between 0 and the doubled backoff, capped at maxBackoffMs
 * @param maxBackoffMs     the cap on the doubled backoff, so the longest single wait
 * @param maxTotalWaitMs   waits of one stream added up never exceed this; a longer Retry-After is passed on instead
 */
public record RetrySettings(int maxAttempts, long initialBackoffMs, long maxBackoffMs, long maxTotalWaitMs) {
}
