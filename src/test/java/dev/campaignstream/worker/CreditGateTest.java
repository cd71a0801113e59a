package dev.campaignstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.StreamError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CreditGateTest {

  private final List<Frame> sent = new ArrayList<>();
  private final AtomicLong held = new AtomicLong();

  private static Frame.Chunk chunk(long seq) {
    return new Frame.Chunk("s", seq, "t" + seq);
  }

  @Test
  void chunksGoOutWithinCreditAndAreHeldInOrderBeyondIt() {
    CreditGate gate = new CreditGate(2, sent::add, held::addAndGet);
    for (long seq = 1; seq <= 5; seq++) {
      gate.offer(chunk(seq));
    }
    assertThat(sent).containsExactly(chunk(1), chunk(2));
    assertThat(gate.holding()).isTrue();
    assertThat(held).hasValue(3);
    gate.grant(2);
    assertThat(sent).containsExactly(chunk(1), chunk(2), chunk(3), chunk(4));
    assertThat(held).hasValue(1);
    gate.grant(10);
    assertThat(sent).hasSize(5);
    assertThat(gate.holding()).isFalse();
    assertThat(held).hasValue(0);
  }

  @Test
  void theLastFrameNeedsNoCreditButWaitsBehindHeldChunks() {
    CreditGate gate = new CreditGate(1, sent::add, held::addAndGet);
    gate.offer(chunk(1));
    gate.offer(chunk(2));
    Frame end = new Frame.End("s", "stop", null, null);
    gate.offerLast(end);
    assertThat(gate.lastSent()).isFalse();
    assertThat(sent).containsExactly(chunk(1));
    gate.grant(1);
    assertThat(sent).containsExactly(chunk(1), chunk(2), end);
    assertThat(gate.lastSent()).isTrue();
    assertThat(held).hasValue(0);
  }

  @Test
  void clearingForgetsWhatIsHeld() {
    CreditGate gate = new CreditGate(0, sent::add, held::addAndGet);
    gate.offer(chunk(1));
    gate.offer(chunk(2));
    gate.clear();
    assertThat(held).hasValue(0);
    Frame failed = new Frame.Failed("s", StreamError.busy("x"), null);
    gate.offerLast(failed);
    assertThat(sent).containsExactly(failed);
  }
}
