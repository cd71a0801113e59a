package dev.campaignstream.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResetDurationTest {

  @ParameterizedTest
  @CsvSource({"1s, 1000", "6m0s, 360000", "20ms, 20", "1h2m3.5s, 3723500", "8.64s, 8640", "0s, 0", "2, 2000",
      "1.5ms, 2", "999us, 1", " 7s , 7000", "100h, 86400000"})
  void readsOpenAisDurations(String text, long millis) {
    assertThat(ResetDuration.parseMillis(text)).hasValue(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "soon", "-1s", "1d", "1 s", "1m-5s", "1e3s", "12345678901234567890123456789012345678901s"})
  void anythingElseIsNoDuration(String text) {
    assertThat(ResetDuration.parseMillis(text)).isEmpty();
  }
}
