package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.front.CallerStream.State;
import org.junit.jupiter.api.Test;

/** A caller's machine: finished is final, and a drain wait only comes from following. */
class CallerStreamStateTest {

  @Test
  void finishedIsFinalAndReachableFromEveryOtherState() {
    assertThat(State.values()).noneMatch(State.FINISHED::mayBecome);
    assertThat(State.values()).allMatch(state -> state == State.FINISHED || state.mayBecome(State.FINISHED));
  }

  @Test
  void drainWaitsComeOnlyFromFollowing() {
    assertThat(State.FOLLOWING.mayBecome(State.AWAITING_DRAIN)).isTrue();
    assertThat(State.AWAITING_DRAIN.mayBecome(State.FOLLOWING)).isTrue();
    assertThat(State.WAITING.mayBecome(State.AWAITING_DRAIN)).isFalse();
    assertThat(State.FOLLOWING.mayBecome(State.WAITING)).isFalse();
  }
}
