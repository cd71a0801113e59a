package dev.campaignstream.config;

import java.util.List;

/**
 * How callers are authenticated.
 *
 * @param keysFile      the caller keys file (names, SHA-256 of each key, limits), empty for none
 * @param mode          {@code keys}, {@code none}, or empty: keys when a keys file is set
 * @param reloadCheckMs how often the keys file is read again; a change is in force for new requests
 */
public record AuthSettings(String keysFile, String mode, long reloadCheckMs) {

  public AuthSettings {
    mode = mode.trim();
    keysFile = keysFile.trim();
    if (mode.equals("keys") && keysFile.isEmpty()) {
      throw new InvalidConfigurationException(List.of("Configuration auth.mode (CALLER_AUTH) is keys, but"
          + " auth.keysFile (CALLER_KEYS_FILE) names no keys file"));
    }
  }

  public boolean hasKeysFile() {
    return !keysFile.isEmpty();
  }
}
