package dev.campaignstream.sharing;


import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code Cache-Control} and {@code Last-Event-ID} are read, per representation. */
class CampaignRequestTest {

  @Test
  void noCacheIsADirectiveAmongOthersInAnyCase() {
    assertThat(CampaignRequest.hasNoCache("no-cache")).isTrue();
    assertThat(CampaignRequest.hasNoCache("max-age=0, No-Cache")).isTrue();
    assertThat(CampaignRequest.hasNoCache(" NO-CACHE ,max-age=0")).isTrue();
    assertThat(CampaignRequest.hasNoCache("max-age=0")).isFalse();
    assertThat(CampaignRequest.hasNoCache("no-store")).isFalse();
    assertThat(CampaignRequest.hasNoCache("x-no-cache")).isFalse();
    assertThat(CampaignRequest.hasNoCache(null)).isFalse();
  }

  @Test
  void onlyWholeNumbersAreEventIdsThisServiceSent() {
    assertThat(CampaignRequest.eventId("12")).isEqualTo(12);
    assertThat(CampaignRequest.eventId(" 7 ")).isEqualTo(7);
    for (String foreign : new String[] {"", "abc", "-1", "1e3", "3.0", "0x10", "1234567890123456789", null}) {
      assertThat(CampaignRequest.eventId(foreign)).as(String.valueOf(foreign)).isZero();
    }
  }

  @Test
  void everyEventSourcesNoCacheDoesNotRefreshAnEventStream() {
    // Plain text and JSON callers alike are the ones that are not event streams.
    assertThat(CampaignRequest.of("Acme", "id", false, "no-cache", null).refresh()).isTrue();
    assertThat(CampaignRequest.of("Acme", "id", true, "no-cache", null).refresh()).isFalse();
  }

  @Test
  void onlyAnEventStreamResumes() {
    assertThat(CampaignRequest.of("Acme", "id", true, null, "4").resumeAfter()).isEqualTo(4);
    assertThat(CampaignRequest.of("Acme", "id", false, null, "4").resumeAfter()).isZero();
  }
}
