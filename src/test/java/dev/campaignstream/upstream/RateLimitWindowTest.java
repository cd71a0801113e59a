package dev.campaignstream.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitWindowTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RateLimitWindow window = new RateLimitWindow(now::get);

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  @Test
  void usedUpRequestsCloseItUntilTheirReset() {
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1.5s",
        "x-ratelimit-remaining-tokens", "9000", "x-ratelimit-reset-tokens", "20ms"));
    assertThat(window.closedForMillis()).isEqualTo(1500);
    now.addAndGet(1499);
    assertThat(window.closedForMillis()).isEqualTo(1);
    now.addAndGet(1);
    assertThat(window.closedForMillis()).isZero();
    assertThat(window.remainingRequests()).isZero();
    assertThat(window.remainingTokens()).isEqualTo(9000);
  }

  @Test
  void usedUpTokensCloseItUntilTheLaterReset() {
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20ms",
        "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6m0s"));
    assertThat(window.closedForMillis()).isEqualTo(360_000);
  }

  @Test
  void roomLeftKeepsItOpenAndALaterAnswerWithRoomReopensIt() {
    window.observe(headers("x-ratelimit-remaining-requests", "12", "x-ratelimit-reset-requests", "1s"));
    assertThat(window.closedForMillis()).isZero();
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "10s"));
    assertThat(window.closedForMillis()).isEqualTo(10_000);
    window.observe(headers("x-ratelimit-remaining-requests", "40"));
    assertThat(window.closedForMillis()).isZero();
  }

  @Test
  void a429ClosesItForItsRetryAfterOrAMomentWithoutOne() {
    window.refused(headers(), 2500L);
    assertThat(window.closedForMillis()).isEqualTo(2500);
    now.addAndGet(3000);
    window.refused(headers(), null);
    assertThat(window.closedForMillis()).isEqualTo(RateLimitWindow.DEFAULT_PAUSE_MS);
  }

  @Test
  void garbageHeadersChangeNothing() {
    window.observe(headers("x-ratelimit-remaining-requests", "lots", "x-ratelimit-reset-requests", "soon"));
    assertThat(window.closedForMillis()).isZero();
    assertThat(window.remainingRequests()).isEqualTo(-1);
    window.observe(headers("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "soon"));
    assertThat(window.closedForMillis()).isEqualTo(RateLimitWindow.DEFAULT_PAUSE_MS);
  }
}
