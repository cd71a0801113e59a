package dev.campaignstream.budget;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;

/**
 * The answer to one campaign request's admission: admitted, or refused by a limit and when that
 * limit frees; with what the key has left under each of its limits (-1 where it has none), for
 * the rate-limit fields of the answer. Crosses the cluster as the result of an entry processor, with
 * the limit by its name (never an ordinal), so that nodes of different builds read each other.
 */
public final class Verdict implements DataSerializable {

  private Limit refusedBy;
  /** Whether the request was counted, so that its stream must be released when it ends. */
  private boolean counted;
  private long retryAfterSeconds;
  private long requestsLeft;
  private long requestsResetSeconds;
  private long streamsLeft;
  private long tokensLeft;
  private long tokensResetSeconds;

  /** For Hazelcast's deserialization. */
  public Verdict() {
  }

  Verdict(Limit refusedBy, long retryAfterSeconds, long requestsLeft, long requestsResetSeconds, long streamsLeft,
      long tokensLeft, long tokensResetSeconds) {
    this.refusedBy = refusedBy;
    this.counted = refusedBy == null;
    this.retryAfterSeconds = retryAfterSeconds;
    this.requestsLeft = requestsLeft;
    this.requestsResetSeconds = requestsResetSeconds;
    this.streamsLeft = streamsLeft;
    this.tokensLeft = tokensLeft;
    this.tokensResetSeconds = tokensResetSeconds;
  }

  /** What an unlimited key (or open mode) gets. */
  static final Verdict UNLIMITED = uncounted();

  private static Verdict uncounted() {
    Verdict verdict = new Verdict(null, 0, -1, 0, -1, -1, 0);
    verdict.counted = false;
    return verdict;
  }

  public boolean admitted() {
    return refusedBy == null;
  }

  /** Whether a stream slot was taken, to be given back when the stream ends. */
  public boolean counted() {
    return counted;
  }

  /** The limit that refused the request, or null when it was admitted. */
  public Limit refusedBy() {
    return refusedBy;
  }

  /** When the limit that refused it frees, in whole seconds from now (at least 1). */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public long requestsLeft() {
    return requestsLeft;
  }

  public long requestsResetSeconds() {
    return requestsResetSeconds;
  }

  public long streamsLeft() {
    return streamsLeft;
  }

  public long tokensLeft() {
    return tokensLeft;
  }

  public long tokensResetSeconds() {
    return tokensResetSeconds;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(refusedBy == null ? null : refusedBy.field());
    out.writeBoolean(counted);
    out.writeLong(retryAfterSeconds);
    out.writeLong(requestsLeft);
    out.writeLong(requestsResetSeconds);
    out.writeLong(streamsLeft);
    out.writeLong(tokensLeft);
    out.writeLong(tokensResetSeconds);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    refusedBy = Limit.named(in.readString());
    counted = in.readBoolean();
    retryAfterSeconds = in.readLong();
    requestsLeft = in.readLong();
    requestsResetSeconds = in.readLong();
    streamsLeft = in.readLong();
    tokensLeft = in.readLong();
    tokensResetSeconds = in.readLong();
  }
}
