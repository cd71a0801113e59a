package dev.campaignstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI's waits are used rounded up, and never beyond the ceiling, however large the header. */
class UpstreamErrorsTest {

  @ParameterizedTest
  @CsvSource({
      "retry-after, 20, 20000, 20",
      "retry-after, 0.2, 200, 1",
      "retry-after-ms, 20500, 20500, 21",
      "retry-after, 60, 60000, 60",
      "retry-after, 61, 60000, 60",
      "retry-after, 99999999999999999999, 60000, 60",
      "retry-after-ms, 1e300, 60000, 60",
      "retry-after-ms, 9223372036854775807, 60000, 60",
  })
  void aWaitIsRoundedUpAndClamped(String header, String value, long millis, long seconds) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(header, value);
    assertThat(UpstreamErrors.retryAfterMillis(headers)).isEqualTo(millis);
    assertThat(UpstreamErrors.retryAfterSeconds(headers)).isEqualTo(seconds);
  }

  @Test
  void theClampedWaitIsWhatACallerIsTold() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("retry-after", "99999999999999999999");
    assertThat(UpstreamErrors.forStatus(429, headers, null).retryAfterSeconds()).isEqualTo(60L);
    assertThat(UpstreamErrors.forStatus(503, headers, null).retryAfterSeconds()).isEqualTo(60L);
  }

  @Test
  void noUsableWaitIsNone() {
    assertThat(UpstreamErrors.retryAfterMillis(MultiMap.caseInsensitiveMultiMap().add("retry-after", "soon"))).isNull();
    assertThat(UpstreamErrors.retryAfterMillis(MultiMap.caseInsensitiveMultiMap().add("retry-after", "-5"))).isNull();
    assertThat(UpstreamErrors.retryAfterSeconds(MultiMap.caseInsensitiveMultiMap())).isNull();
  }
}
