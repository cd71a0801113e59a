package dev.campaignstream.keys;

/**
 * What one key may spend; a null field is not limited.
 *
 * @param requestsPerMinute campaign requests started per rolling minute
 * @param concurrentStreams campaign streams open at once
 * @param tokensPerDay OpenAI tokens (prompt and completion) per UTC day
 */
public record KeyLimits(Integer requestsPerMinute, Integer concurrentStreams, Long tokensPerDay) {

  public static final KeyLimits NONE = new KeyLimits(null, null, null);
}
