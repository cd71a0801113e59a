package dev.campaignstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines per caller key that take turns: one key's burst does not keep the others waiting. */
class WaitQueueTest {

  private final WaitQueue<String> queue = new WaitQueue<>();

  @Test
  void keysTakeTurnsWhateverTheirBursts() {
    for (int i = 1; i <= 5; i++) {
      queue.add("burst", "burst-" + i);
    }
    queue.add("quiet", "quiet-1");
    queue.add(null, "open-1");
    List<String> served = new ArrayList<>();
    // Room for three: one of each line, not the burst's first three.
    queue.release(waiter -> served.size() < 3 && served.add(waiter));
    assertThat(served).containsExactly("burst-1", "quiet-1", "open-1");
    assertThat(queue.size()).isEqualTo(4);
    // The burst had its turn: it is last in line now, but the only line left.
    queue.release(waiter -> served.size() < 5 && served.add(waiter));
    assertThat(served).containsExactly("burst-1", "quiet-1", "open-1", "burst-2", "burst-3");
  }

  @Test
  void aLineThatCannotGoYetKeepsItsPlace() {
    queue.add("a", "a-1");
    queue.add("a", "a-2");
    queue.add("b", "b-1");
    List<String> served = new ArrayList<>();
    queue.release(waiter -> waiter.startsWith("b") && served.add(waiter));
    assertThat(served).containsExactly("b-1");
    queue.release(served::add);
    assertThat(served).containsExactly("b-1", "a-1", "a-2");
    assertThat(queue.size()).isZero();
  }

  @Test
  void aWaiterLeavingIsForgotten() {
    queue.add("a", "a-1");
    queue.add("a", "a-2");
    queue.remove("a", "a-1");
    queue.remove("a", "never-added");
    assertThat(queue.all()).containsExactly("a-2");
    assertThat(queue.size()).isEqualTo(1);
  }

  /** A waiter let go may end at once and so release the next: that happens in the release under way. */
  @Test
  void aReleaseFromWithinARunsInTheReleaseUnderWay() {
    queue.add("a", "a-1");
    queue.add("b", "b-1");
    List<String> served = new ArrayList<>();
    queue.release(waiter -> {
      served.add(waiter);
      queue.release(inner -> served.add("nested " + inner));
      return true;
    });
    assertThat(served).containsExactly("a-1", "b-1");
  }
}
