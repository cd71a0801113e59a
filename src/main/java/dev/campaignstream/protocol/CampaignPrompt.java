package dev.campaignstream.protocol;

/**
 * The system prompt every campaign is asked with: the worker sends it, and the HTTP side estimates
 * the tokens of a stream that ended before OpenAI's usage from it.
 */
public final class CampaignPrompt {

  public static final String SYSTEM =
      "You are an expert creative marketer. Create a campaign for the brand the user enters.";

  private CampaignPrompt() {
  }
}
