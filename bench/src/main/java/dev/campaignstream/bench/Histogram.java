package dev.campaignstream.bench;

/**
 * A fixed-size log-linear histogram of non-negative values (microseconds here): exact below 1,024,
 * then 512 sub-buckets per power of two, so any percentile is off by at most ~0.2 %. Not
 * thread-safe: each event loop records into its own and they are merged at the end.
 */
final class Histogram {

  private static final int SUB_BITS = 9;
  private static final int SUB = 1 << SUB_BITS;          // 512
  private static final int LINEAR = SUB * 2;             // values below 1024 are exact
  private static final int MAX_EXP = 40;                 // up to ~2^40 µs (12 days)
  private final long[] counts = new long[LINEAR + (MAX_EXP - SUB_BITS) * SUB];
  private long total;
  private long max;
  private long min = Long.MAX_VALUE;
  private double sum;

  void record(long value) {
    if (value < 0) {
      value = 0;
    }
    counts[index(value)]++;
    total++;
    sum += value;
    if (value > max) {
      max = value;
    }
    if (value < min) {
      min = value;
    }
  }

  void merge(Histogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    sum += other.sum;
    max = Math.max(max, other.max);
    min = Math.min(min, other.min);
  }

  long count() {
    return total;
  }

  long max() {
    return total == 0 ? 0 : max;
  }

  double mean() {
    return total == 0 ? 0 : sum / total;
  }

  /** The smallest recorded value v such that at least q of the values are <= v (bucket's upper end). */
  long percentile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    if (rank < 1) {
      rank = 1;
    }
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, Math.max(min, upper(i)));
      }
    }
    return max;
  }

  private static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int exp = 63 - Long.numberOfLeadingZeros(v);            // >= SUB_BITS + 1
    int shift = exp - SUB_BITS;
    int sub = (int) (v >>> shift) - SUB;                      // 0 .. SUB-1
    int idx = LINEAR + (exp - SUB_BITS - 1) * SUB + sub;
    return Math.min(idx, LINEAR + (MAX_EXP - SUB_BITS) * SUB - 1);
  }

  private static long upper(int idx) {
    if (idx < LINEAR) {
      return idx;
    }
    int rel = idx - LINEAR;
    int exp = rel / SUB + SUB_BITS + 1;
    int sub = rel % SUB;
    int shift = exp - SUB_BITS;
    return (((long) (SUB + sub) + 1) << shift) - 1;
  }
}
