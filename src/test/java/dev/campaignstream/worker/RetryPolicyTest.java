package dev.campaignstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.config.RetrySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Full jitter, as the README and the configuration promise: each wait uniform from 0 to its ceiling. */
class RetryPolicyTest {

  private static final RetrySettings SETTINGS = new RetrySettings(5, 250, 4_000, 10_000);

  @Test
  void theCeilingDoublesPerFailedAttemptUpToTheMaximum() {
    List<Long> ceilings = new ArrayList<>();
    RetryPolicy policy = new RetryPolicy(SETTINGS, ceiling -> {
      ceilings.add(ceiling);
      return ceiling;
    });
    for (int failed = 1; failed <= 7; failed++) {
      policy.backoffMs(failed, null);
    }
    assertThat(ceilings).containsExactly(250L, 500L, 1_000L, 2_000L, 4_000L, 4_000L, 4_000L);
  }

  @Test
  void waitsAreDrawnFromZeroToTheCeiling() {
    RetryPolicy policy = new RetryPolicy(SETTINGS);
    LongSummaryStatistics waits = LongStream.range(0, 20_000).map(i -> policy.backoffMs(3, null)).summaryStatistics();
    assertThat(waits.getMin()).isGreaterThanOrEqualTo(0).isLessThan(50);
    assertThat(waits.getMax()).isLessThanOrEqualTo(1_000).isGreaterThan(950);
    // Uniform: the mean sits near half the ceiling (the old draw, from half to all of it, sat at 750).
    assertThat(waits.getAverage()).isBetween(470.0, 530.0);
  }

  @Test
  void openAisRetryAfterIsUsedAsGiven() {
    assertThat(new RetryPolicy(SETTINGS).backoffMs(1, 1_234L)).isEqualTo(1_234L);
  }

  @Test
  void attemptsAndTheTotalWaitBoundRetries() {
    RetryPolicy policy = new RetryPolicy(SETTINGS);
    assertThat(policy.allows(1, 0, 250)).isTrue();
    assertThat(policy.allows(4, 0, 250)).isTrue();
    assertThat(policy.allows(5, 0, 250)).as("the fifth attempt was the last").isFalse();
    assertThat(policy.allows(2, 9_800, 200)).isTrue();
    assertThat(policy.allows(2, 9_800, 201)).as("past the total wait").isFalse();
  }
}
