package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One campaign per brand as the model reads it, per model and per system prompt. */
class CampaignKeyTest {

  @Test
  void spellingsOfOneBrandMakeOneKey() {
    String key = CampaignKey.of("Café Noir", "gpt-4o-mini");
    // Combining accent, shouting, spaces and tabs around, mixed case.
    for (String same : List.of("Cafe\u0301 Noir", "CAFÉ NOIR", "  café noir\t", "cAfÉ nOiR")) {
      assertThat(CampaignKey.of(same, "gpt-4o-mini")).as(same).isEqualTo(key);
    }
  }

  @Test
  void caseFoldingGoesThroughUpperCase() {
    assertThat(CampaignKey.normalise("Straße")).isEqualTo(CampaignKey.normalise("STRASSE")).isEqualTo("strasse");
    assertThat(CampaignKey.normalise("ΟΔΟΣ")).isEqualTo(CampaignKey.normalise("οδος"))
        .isEqualTo(CampaignKey.normalise("οδοσ"));
    // A case change that decomposes is composed again.
    assertThat(CampaignKey.normalise("İ")).isEqualTo(CampaignKey.normalise("i\u0307"));
  }

  @Test
  void differentBrandsModelsAndPromptVersionsAreDifferentKeys() {
    assertThat(CampaignKey.of("Acme", "gpt-4o-mini")).isNotEqualTo(CampaignKey.of("Acme Coffee", "gpt-4o-mini"))
        .isNotEqualTo(CampaignKey.of("Acme", "gpt-4o"))
        .isNotEqualTo(CampaignKey.of("Ac me", "gpt-4o-mini"));
    assertThat(new JsonArray(CampaignKey.of("Acme", "gpt-4o-mini")))
        .isEqualTo(new JsonArray().add(CampaignKey.PROMPT_VERSION).add("gpt-4o-mini").add("acme"));
  }

  @Test
  void partsCannotRunIntoEachOther() {
    // With a plain separator these two would be the same string.
    assertThat(CampaignKey.of("b/c", "a")).isNotEqualTo(CampaignKey.of("c", "a/b"));
    assertThat(CampaignKey.of("\"x\",\"y\"", "m")).isNotEqualTo(CampaignKey.of("y", "m\",\"x"));
  }
}
