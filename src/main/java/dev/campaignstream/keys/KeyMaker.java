package dev.campaignstream.keys;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * {@code java -jar campaign-stream.jar keys new <name>}: a fresh key, shown once, and the entry of the
 * keys file that declares it by its SHA-256. The key is 32 bytes from {@link SecureRandom} (256 bits),
 * base64url without padding, after the prefix {@value #PREFIX} so that a key found in a log or a
 * repository is recognisable as one of this service's.
 */
public final class KeyMaker {

  public static final String PREFIX = "cs_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMaker() {
  }

  /** A new key. */
  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * What {@code keys new} prints: the key, then the entry to add under {@code keys:}.
   *
   * @throws IllegalArgumentException when the name breaks the keys file's rule
   */
  public static String announce(String name) {
    if (!KeysFile.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("A key's name must match [a-z0-9-]{1,40}");
    }
    String key = newKey();
    return "New key for " + name + " (shown only now: hand it to the caller, who sends it as"
        + " 'Authorization: Bearer <key>'; the service keeps only its hash):\n\n"
        + key + "\n\n"
        + "Add this entry under 'keys:' in the keys file (CALLER_KEYS_FILE); it is re-read within seconds:\n\n"
        + "  - name: " + name + "\n"
        + "    sha256: " + HexFormat.of().formatHex(KeyVerifier.hash(key)) + "\n";
  }
}
