package dev.campaignstream.simulator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorCampaignWriterTest {

  @ParameterizedTest
  @ValueSource(strings = {"Acme", "Zoë's \"🚀\" 100% +<b>", "true", "123", "{\"a\":1}", "$1 \\n {B}", "👨‍👩‍👧 Family",
    "Café ☕ + Co.", "%s%n<script>", "null"})
  void campaignIsPlausibleAndMentionsTheBrandExactly(String brand) {
    String text = CampaignWriter.write(brand);
    long words = Arrays.stream(text.split("\\s+")).filter(w -> w.codePoints().anyMatch(Character::isLetterOrDigit))
      .count();
    assertThat(words).isBetween(250L, 400L);
    assertThat(occurrences(text, brand)).isGreaterThanOrEqualTo(5);
    assertThat(text).contains("Campaign name:", "Tagline:", "Target audience:", "Key message:", "Channels:",
      "Launch timeline:", "Call to action:", "—", "“", "✨", "🚀");
    if (!brand.contains("{B}")) {
      assertThat(text).doesNotContain("{B}"); // every placeholder was filled
    }
    assertThat(CampaignWriter.write(brand)).isEqualTo(text); // deterministic
  }

  @Test
  void differentBrandsGetDifferentCampaigns() {
    long distinct = List.of("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark").stream()
      .map(b -> CampaignWriter.write(b).replace(b, "X"))
      .distinct().count();
    assertThat(distinct).isGreaterThan(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Acme", "Zoë's \"🚀\" 100% +<b>", "👨‍👩‍👧 Family"})
  void deltasLookLikeModelTokensAndJoinBackToTheText(String brand) {
    String text = CampaignWriter.write(brand);
    List<String> deltas = CampaignWriter.deltas(brand);
    assertThat(String.join("", deltas)).isEqualTo(text);
    assertThat(deltas.size()).isBetween(300, 700);
    assertThat(deltas).contains(" the", ",", "\n\n", " —", " ✨", " 🚀");
    for (String d : deltas) {
      assertThat(d).isNotEmpty();
      // never a lone surrogate: every delta must survive UTF-8 / JSON encoding
      assertThat(d.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp) && cp <= 0xFFFF)).isTrue();
      // at most one word per delta
      assertThat(d.strip().split("\\s+")).hasSizeLessThanOrEqualTo(1);
    }
  }

  @Test
  void tokenizeKeepsLeadingSpacesWithWords() {
    assertThat(CampaignWriter.tokenize("Hi there, world —\n\nok 🚀"))
      .containsExactly("Hi", " there", ",", " world", " —", "\n\n", "ok", " 🚀");
  }

  @Test
  void blankBrandFallsBack() {
    assertThat(CampaignWriter.write("  ")).contains(CampaignWriter.FALLBACK_BRAND);
    assertThat(CampaignWriter.write(null)).contains(CampaignWriter.FALLBACK_BRAND);
  }

  private static int occurrences(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
