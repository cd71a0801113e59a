package dev.campaignstream.budget;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.campaignstream.keys.KeyLimits;
import java.io.IOException;

/**
 * A key's limits as the counters apply them, each -1 when the key has none: sent with each
 * admission, so that a limit changed in the keys file holds from the next request on.
 */
public final class Quota implements DataSerializable {

  long requestsPerMinute;
  long concurrentStreams;
  long tokensPerDay;

  /** For Hazelcast's deserialization. */
  public Quota() {
  }

  Quota(long requestsPerMinute, long concurrentStreams, long tokensPerDay) {
    this.requestsPerMinute = requestsPerMinute;
    this.concurrentStreams = concurrentStreams;
    this.tokensPerDay = tokensPerDay;
  }

  static Quota of(KeyLimits limits) {
    return new Quota(orNone(limits.requestsPerMinute()), orNone(limits.concurrentStreams()),
        limits.tokensPerDay() == null ? -1 : limits.tokensPerDay());
  }

  private static long orNone(Integer value) {
    return value == null ? -1 : value;
  }

  /** Whether the key has no limit at all: its requests need not be counted. */
  boolean unlimited() {
    return requestsPerMinute < 0 && concurrentStreams < 0 && tokensPerDay < 0;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(requestsPerMinute);
    out.writeLong(concurrentStreams);
    out.writeLong(tokensPerDay);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    requestsPerMinute = in.readLong();
    concurrentStreams = in.readLong();
    tokensPerDay = in.readLong();
  }
}
