package dev.campaignstream.budget;

import dev.campaignstream.protocol.CampaignPrompt;
import io.vertx.core.json.JsonObject;

/**
 * The tokens one request is charged: OpenAI's own count from its usage, or, for a stream that
 * ended before the usage came (cancelled, cut, failed after text), an estimate, since OpenAI bills
 * what it wrote anyway.
 *
 * <p>The estimate is about four characters a token, OpenAI's own rule of thumb for English: the
 * completion is the text received divided by four, rounded up; the prompt is the system prompt and
 * the brand the same way, plus a few tokens per message for the chat format. A stream that wrote
 * no text costs nothing: OpenAI does not bill a call it refused or failed before answering.
 */
public record TokenUse(long prompt, long completion, boolean estimated) {

  public static final TokenUse NONE = new TokenUse(0, 0, false);

  /** Tokens the chat format adds: per message, and once per call. */
  private static final int PER_MESSAGE = 3;
  private static final int PER_CALL = 3;

  public static TokenUse of(JsonObject usage, long charsReceived, String brand) {
    if (usage != null && usage.getValue("prompt_tokens") instanceof Number prompt
        && usage.getValue("completion_tokens") instanceof Number completion) {
      return new TokenUse(Math.max(0, prompt.longValue()), Math.max(0, completion.longValue()), false);
    }
    if (charsReceived <= 0) {
      return new TokenUse(0, 0, true);
    }
    return new TokenUse(promptEstimate(brand), quarter(charsReceived), true);
  }

  static long promptEstimate(String brand) {
    return PER_CALL + 2 * PER_MESSAGE + quarter(CampaignPrompt.SYSTEM.length()) + quarter(brand.length());
  }

  private static long quarter(long chars) {
    return (chars + 3) / 4;
  }

  public long total() {
    return prompt + completion;
  }
}
