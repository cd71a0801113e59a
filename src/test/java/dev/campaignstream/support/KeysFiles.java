package dev.campaignstream.support;

import dev.campaignstream.keys.KeyVerifier;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;

/** Keys files for tests, written as an operator would (replaced whole, as editors and config maps do). */
public final class KeysFiles {

  private KeysFiles() {
  }

  /** The file's entry for a key: {@code extra} is more YAML lines of the entry, e.g. "disabled: true". */
  public static String entry(String name, String key, String... extra) {
    StringBuilder text = new StringBuilder("  - name: ").append(name).append('\n')
        .append("    sha256: ").append(HexFormat.of().formatHex(KeyVerifier.hash(key))).append('\n');
    for (String line : extra) {
      text.append("    ").append(line).append('\n');
    }
    return text.toString();
  }

  /** Writes {@code keys:} and the entries to {@code file}, replacing it at once. */
  public static Path write(Path file, String... entries) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, "keys:\n" + String.join("", entries));
    return Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The test configuration with caller keys from {@code file}, checked every 50 ms. */
  public static JsonObject withKeys(JsonObject config, Path file) {
    return config.put("auth", new JsonObject().put("keysFile", file.toString()).put("reloadCheckMs", 50));
  }
}
