package dev.campaignstream.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.keys.KeyLimits;
import org.junit.jupiter.api.Test;

/** The counters' arithmetic, at given instants: the rolling minute, open streams, the UTC day. */
class KeyUsageTest {

  private static final long MIDNIGHT = 1_796_083_200_000L; // 2026-12-01T00:00:00Z
  private static final String MEMBER = "m1";

  @Test
  void theRollingMinuteFreesAsTheOldestRequestLeavesIt() {
    KeyUsage usage = new KeyUsage();
    Quota quota = Quota.of(new KeyLimits(2, null, null));
    assertThat(usage.admit(quota, MEMBER, MIDNIGHT + 1_000).admitted()).isTrue();
    assertThat(usage.admit(quota, MEMBER, MIDNIGHT + 21_000).admitted()).isTrue();
    Verdict third = usage.admit(quota, MEMBER, MIDNIGHT + 30_500);
    assertThat(third.refusedBy()).isEqualTo(Limit.REQUESTS_PER_MINUTE);
    // The first request, in second 1, leaves the window at second 61.
    assertThat(third.retryAfterSeconds()).isEqualTo(31);
    assertThat(third.requestsLeft()).isZero();
    assertThat(usage.admit(quota, MEMBER, MIDNIGHT + 60_999).admitted()).isFalse();
    Verdict later = usage.admit(quota, MEMBER, MIDNIGHT + 61_000);
    assertThat(later.admitted()).isTrue();
    assertThat(later.requestsLeft()).isZero();
    // Once the whole minute is past, every bucket is empty again.
    assertThat(usage.admit(quota, MEMBER, MIDNIGHT + 500_000).requestsLeft()).isEqualTo(1);
  }

  @Test
  void openStreamsAreCountedPerMemberAndAMemberThatLeftHoldsNone() {
    KeyUsage usage = new KeyUsage();
    Quota quota = Quota.of(new KeyLimits(null, 2, null));
    assertThat(usage.admit(quota, "a", MIDNIGHT).admitted()).isTrue();
    assertThat(usage.admit(quota, "b", MIDNIGHT).streamsLeft()).isZero();
    Verdict refused = usage.admit(quota, "a", MIDNIGHT);
    assertThat(refused.refusedBy()).isEqualTo(Limit.CONCURRENT_STREAMS);
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    usage.release("a");
    assertThat(usage.admit(quota, "a", MIDNIGHT).admitted()).isTrue();
    assertThat(usage.dropMember("b")).isTrue();
    assertThat(usage.openStreams()).isEqualTo(1);
    // A release for a member already dropped takes nothing from the others.
    usage.release("b");
    assertThat(usage.openStreams()).isEqualTo(1);
  }

  @Test
  void theTokensOfADayStopTheKeyUntilMidnightUtc() {
    KeyUsage usage = new KeyUsage();
    Quota quota = Quota.of(new KeyLimits(null, null, 100L));
    long evening = MIDNIGHT + 86_400_000L - 3_600_000L;
    assertThat(usage.admit(quota, MEMBER, evening).tokensLeft()).isEqualTo(100);
    usage.release(MEMBER);
    usage.charge(150, evening);
    Verdict refused = usage.admit(quota, MEMBER, evening);
    assertThat(refused.refusedBy()).isEqualTo(Limit.TOKENS_PER_DAY);
    assertThat(refused.retryAfterSeconds()).isEqualTo(3_600);
    assertThat(refused.tokensLeft()).isZero();
    assertThat(usage.admit(quota, MEMBER, MIDNIGHT + 86_400_000L).admitted()).isTrue();
  }

  @Test
  void overSeveralLimitsTheOneThatFreesLastIsNamed() {
    KeyUsage usage = new KeyUsage();
    Quota quota = Quota.of(new KeyLimits(1, 1, 10L));
    usage.admit(quota, MEMBER, MIDNIGHT + 5_000);
    usage.charge(10, MIDNIGHT + 5_000);
    Verdict refused = usage.admit(quota, MEMBER, MIDNIGHT + 6_000);
    assertThat(refused.refusedBy()).isEqualTo(Limit.TOKENS_PER_DAY);
    assertThat(refused.retryAfterSeconds()).isEqualTo(86_394);
  }

  @Test
  void theRateLimitFieldsNameEachLimitTheKeyHas() {
    KeyLimits limits = new KeyLimits(120, 20, 500_000L);
    KeyUsage usage = new KeyUsage();
    Verdict verdict = usage.admit(Quota.of(limits), MEMBER, MIDNIGHT + 10_000);
    assertThat(RateLimitFields.policy(limits)).isEqualTo("\"requestsPerMinute\";q=120;w=60, "
        + "\"concurrentStreams\";q=20;qu=\"concurrent-requests\", \"tokensPerDay\";q=500000;qu=\"tokens\";w=86400");
    assertThat(RateLimitFields.remaining(limits, verdict)).isEqualTo(
        "\"requestsPerMinute\";r=119;t=60, \"concurrentStreams\";r=19, \"tokensPerDay\";r=500000;t=86390");
    assertThat(RateLimitFields.policy(KeyLimits.NONE)).isNull();
  }
}
