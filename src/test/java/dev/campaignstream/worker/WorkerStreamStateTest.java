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
  void retriesGoThroughABackoffAndFailoversStraightToTheNextCall() {
    assertThat(State.CALLING.mayBecome(State.BACKING_OFF)).isTrue();
    assertThat(State.STREAMING.mayBecome(State.BACKING_OFF)).isTrue();
    assertThat(State.BACKING_OFF.mayBecome(State.CALLING)).isTrue();
    // A failover: another upstream at once, before any text (WorkerStream guards that).
    assertThat(State.STREAMING.mayBecome(State.CALLING)).isTrue();
    assertThat(State.CALLING.mayBecome(State.CALLING)).isTrue();
    assertThat(State.FLUSHING.mayBecome(State.STREAMING)).isFalse();
  }

  @Test
  void onlyANewStreamOrOneBackingOffWaitsForAnUpstream() {
    assertThat(State.NEW.mayBecome(State.WAITING)).isTrue();
    assertThat(State.BACKING_OFF.mayBecome(State.WAITING)).isTrue();
    assertThat(State.WAITING.mayBecome(State.CALLING)).isTrue();
    assertThat(State.WAITING.mayBecome(State.FLUSHING)).isTrue();
    assertThat(State.CALLING.mayBecome(State.WAITING)).isFalse();
    assertThat(State.STREAMING.mayBecome(State.WAITING)).isFalse();
    assertThat(State.WAITING.mayBecome(State.STREAMING)).isFalse();
  }
}
