package dev.campaignstream.keys;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys of one reading of the keys file, looked up by the SHA-256 of the key a caller presents.
 *
 * <p>In constant time: entries are grouped by the first 8 bytes of their hash (a map lookup, whose
 * time says only whether some hash shares those 8 bytes with the presented key's, which finding a
 * key whose hash does would take about 2^64 tries), and the whole 32-byte digests are then compared
 * with {@link MessageDigest#isEqual}, which takes the same time wherever they differ.
 */
public final class CallerKeys {

  /** No keys: every key is unknown. */
  public static final CallerKeys NONE = new CallerKeys(List.of());

  /** One entry of the file: the caller as the service knows it, and the hash of its key. */
  record Declared(CallerKey key, byte[] sha256) {
  }

  private final Map<Long, List<Declared>> byPrefix = new HashMap<>();
  private final Set<String> names = new TreeSet<>();

  CallerKeys(List<Declared> declared) {
    for (Declared entry : declared) {
      byPrefix.computeIfAbsent(prefix(entry.sha256()), p -> new ArrayList<>(1)).add(entry);
      names.add(entry.key().name());
    }
  }

  /** The caller whose key has this SHA-256, or null. */
  public CallerKey find(byte[] sha256) {
    List<Declared> candidates = byPrefix.get(prefix(sha256));
    if (candidates == null) {
      return null;
    }
    CallerKey found = null;
    for (Declared candidate : candidates) {
      if (MessageDigest.isEqual(candidate.sha256(), sha256)) {
        found = candidate.key();
      }
    }
    return found;
  }

  /** Every name declared, in order. */
  public Set<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  private static long prefix(byte[] sha256) {
    long prefix = 0;
    for (int i = 0; i < 8; i++) {
      prefix = prefix << 8 | (sha256[i] & 0xFF);
    }
    return prefix;
  }
}
