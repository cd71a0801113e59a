package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The single node's cache: bounded, least recently used out first, entries gone after their TTL. */
class LocalCampaignCacheTest {

  private static CachedCampaign campaign(String text) {
    return new CachedCampaign(List.of(text, "!"), "stop", new JsonObject().put("total_tokens", 2), "gpt-test", false);
  }

  private static CachedCampaign get(CampaignCache cache, String key) {
    return cache.get(key).result();
  }

  @Test
  void keepsAtMostMaxEntriesDroppingTheLeastRecentlyUsed() {
    LocalCampaignCache cache = new LocalCampaignCache(60_000, 2);
    cache.put("a", campaign("A"));
    cache.put("b", campaign("B"));
    assertThat(get(cache, "a")).isEqualTo(campaign("A"));
    cache.put("c", campaign("C"));
    // "b" was used least recently: "a" was just read.
    assertThat(cache.size()).isEqualTo(2);
    assertThat(get(cache, "b")).isNull();
    assertThat(get(cache, "a")).isEqualTo(campaign("A"));
    assertThat(get(cache, "c")).isEqualTo(campaign("C"));
  }

  @Test
  void anEntryIsGoneAfterItsTtlAndAPutReplaces() throws InterruptedException {
    LocalCampaignCache cache = new LocalCampaignCache(100, 10);
    cache.put("a", campaign("A"));
    cache.put("a", campaign("A2"));
    assertThat(get(cache, "a")).isEqualTo(campaign("A2"));
    Thread.sleep(150);
    assertThat(get(cache, "a")).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void theValueSurvivesTheClustersJsonForm() {
    CachedCampaign original = new CachedCampaign(List.of("Here", " is", " 🚀"), "length",
        new JsonObject().put("prompt_tokens", 31).put("completion_tokens", 3), "gpt-test", true, "azure-eu");
    assertThat(CachedCampaign.fromJson(new JsonObject(original.toJson().encode()))).isEqualTo(original);
    assertThat(original.toJson().fieldNames()).containsExactlyInAnyOrder("deltas", "finish_reason", "usage", "model",
        "simulated", "upstream");
  }

  @Test
  void aCampaignGivesBackEachDeltaAsTheModelSentIt() {
    List<String> sent = List.of("Here", "", " is", " 🚀", "’s", " it");
    CachedCampaign campaign = new CachedCampaign(sent, "stop", null, "gpt-test", false);
    assertThat(campaign.deltas()).containsExactlyElementsOf(sent).hasSize(6);
    assertThat(campaign.deltas().get(3)).isEqualTo(" 🚀");
    assertThatThrownBy(() -> campaign.deltas().get(6)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> campaign.deltas().add("more")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(new CachedCampaign(List.of(), "stop", null, "gpt-test", false).deltas()).isEmpty();
    // The same text in other pieces is another campaign: a hit replays the pieces, with their event ids.
    assertThat(new CachedCampaign(List.of("Here is", " 🚀’s it"), "stop", null, "gpt-test", false))
        .isNotEqualTo(campaign);
  }

  @Test
  void onlyFinishedCampaignsAreWorthCaching() {
    assertThat(CachedCampaign.cacheable("stop")).isTrue();
    assertThat(CachedCampaign.cacheable("length")).isTrue();
    assertThat(CachedCampaign.cacheable("content_filter")).isFalse();
    assertThat(CachedCampaign.cacheable(null)).isFalse();
  }
}
