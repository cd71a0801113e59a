package dev.campaignstream.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The entries of {@code conf/config.yaml} line by line, with the comment beside each, where a YAML
 * parser would drop the comments that name the environment variables. An entry commented out
 * ({@code # key: value # comment}) counts, so that a setting whose default is worked out at start
 * can still be shown with its variable.
 */
final class ConfigYamlEntries {

  private static final Pattern ENTRY = Pattern.compile("^( *)(# ?)?( *)([A-Za-z][A-Za-z0-9]*):(?: +([^#]*?))?"
      + " *(?:# *(.*))?$");
  private static final Pattern VARIABLE = Pattern.compile("\\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\\b");

  /**
   * One entry.
   *
   * @param path        its full YAML path
   * @param value       the text after the colon, empty for a section
   * @param commented   written commented out
   * @param comment     the text after the entry's {@code #}, empty without one
   */
  record Entry(String path, String value, boolean commented, String comment, String line) {

    /** The first environment-variable-like name in the comment: by convention, the one that overrides it. */
    Optional<String> environmentVariable() {
      Matcher matcher = VARIABLE.matcher(comment);
      return matcher.find() ? Optional.of(matcher.group()) : Optional.empty();
    }
  }

  private record Level(int indent, String key) {
  }

  private ConfigYamlEntries() {
  }

  static List<Entry> read(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    Deque<Level> levels = new ArrayDeque<>();
    for (String line : Files.readAllLines(file)) {
      Matcher matcher = ENTRY.matcher(line);
      if (!matcher.matches()) {
        continue;
      }
      int indent = matcher.group(1).length() + matcher.group(3).length();
      while (!levels.isEmpty() && levels.peek().indent() >= indent) {
        levels.pop();
      }
      String key = matcher.group(4);
      StringBuilder path = new StringBuilder();
      levels.descendingIterator().forEachRemaining(level -> path.append(level.key()).append('.'));
      path.append(key);
      levels.push(new Level(indent, key));
      entries.add(new Entry(path.toString(), orEmpty(matcher.group(5)), matcher.group(2) != null,
          orEmpty(matcher.group(6)), line));
    }
    return entries;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text.trim();
  }
}
