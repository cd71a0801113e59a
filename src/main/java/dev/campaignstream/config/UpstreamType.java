package dev.campaignstream.config;

import java.util.Locale;
import java.util.Optional;

/** The two shapes of the same chat-completions API that an upstream can speak. */
public enum UpstreamType {
  /** OpenAI and every OpenAI-compatible server: {@code Authorization: Bearer}, {@code {baseUrl}/chat/completions}. */
  OPENAI,
  /** Azure OpenAI: an {@code api-key} header, a deployment URL (the deployment names the model) and {@code api-version}. */
  AZURE;

  static Optional<UpstreamType> parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "openai" -> Optional.of(OPENAI);
      case "azure" -> Optional.of(AZURE);
      default -> Optional.empty();
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
