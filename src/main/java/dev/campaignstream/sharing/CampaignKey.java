package dev.campaignstream.sharing;

import io.vertx.core.json.JsonArray;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The key a campaign is cached and shared under: the brand as the model would read it, the model,
 * and the version of the system prompt. "Acme", " acme " and "ACME" are one campaign; the same
 * brand asked of another model, or with another system prompt, is another.
 */
public final class CampaignKey {

  /**
   * The system prompt's version. Bump it whenever the worker's system prompt changes, so that
   * campaigns written for the old one are not served any more (they expire with the TTL anyway).
   * {@code PromptVersionTest} fails until the prompt it records for this version is the one sent.
   */
  public static final int PROMPT_VERSION = 1;

  private CampaignKey() {
  }

  /** The key of {@code brand} written by {@code model}. */
  public static String of(String brand, String model) {
    // A JSON array keeps the parts apart whatever they contain (a model name may have a slash,
    // a brand anything at all), so two different triples can never make the same key.
    return new JsonArray().add(PROMPT_VERSION).add(model).add(normalise(brand)).encode();
  }

  /**
   * The brand trimmed, in Unicode NFC (a precomposed "é" and "e" + combining accent are one
   * brand), case-folded. Folding through upper case first also joins what lower case alone
   * keeps apart: "STRASSE" and "straße", final and medial sigma. NFC once more at the end, since
   * changing case can decompose a character ("İ" becomes "i" + combining dot).
   */
  static String normalise(String brand) {
    String composed = Normalizer.normalize(brand, Normalizer.Form.NFC).strip();
    String folded = composed.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFC);
  }
}
