package dev.campaignstream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.worker.WorkerStream.State;
import org.junit.jupiter.api.Test;

/** The worker stream's machine has the moves its javadoc promises, and no others. */
class WorkerStreamStateTest {

  @Test
  void closedIsFinalAndNothingGoesBackToNew() {
    assertThat(State.values()).noneMatch(State.CLOSED::mayBecome);
    assertThat(State.values()).noneMatch(state -> state.mayBecome(State.NEW));
    assertThat(State.values()).allMatch(state -> state == State.CLOSED || state.mayBecome(State.CLOSED));
  }

  @Test
  void retriesGoThroughABackoffAndNeverStartFromAStream() {
    assertThat(State.CALLING.mayBecome(State.BACKING_OFF)).isTrue();
    assertThat(State.STREAMING.mayBecome(State.BACKING_OFF)).isTrue();
    assertThat(State.BACKING_OFF.mayBecome(State.CALLING)).isTrue();
    assertThat(State.STREAMING.mayBecome(State.CALLING)).isFalse();
    assertThat(State.FLUSHING.mayBecome(State.STREAMING)).isFalse();
    assertThat(State.CALLING.mayBecome(State.CALLING)).isFalse();
  }
}
