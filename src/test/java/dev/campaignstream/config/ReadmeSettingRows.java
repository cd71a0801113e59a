package dev.campaignstream.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of the README's settings tables: the configuration section's, and the cluster
 * section's, both headed {@value #HEADER}.
 */
final class ReadmeSettingRows {

  static final String HEADER = "| Environment variable | YAML key | Default | Meaning |";
  private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");
  private static final String NONE = "—";

  /**
   * One row, as written.
   *
   * @param environmentVariable the first quoted name in its first cell, empty for "—"
   * @param path                the YAML key, empty for "—"
   * @param documentedDefault   the first quoted value in its default cell, else the cell's text ("cores")
   */
  record Row(Optional<String> environmentVariable, Optional<String> path, String documentedDefault, String line) {
  }

  private ReadmeSettingRows() {
  }

  static List<Row> read(Path readme) throws IOException {
    List<Row> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(readme)) {
      if (line.trim().equals(HEADER)) {
        inTable = true;
      } else if (!line.startsWith("|")) {
        inTable = false;
      } else if (inTable && !line.startsWith("| ---")) {
        rows.add(row(line));
      }
    }
    return rows;
  }

  private static Row row(String line) {
    List<String> cells = Arrays.stream(line.substring(1, line.lastIndexOf('|')).split("\\|"))
        .map(String::trim).toList();
    if (cells.size() != 4) {
      throw new IllegalStateException("README settings row without four cells: " + line);
    }
    return new Row(quoted(cells.get(0)), quoted(cells.get(1)), quoted(cells.get(2)).orElse(cells.get(2)), line);
  }

  private static Optional<String> quoted(String cell) {
    if (cell.equals(NONE)) {
      return Optional.empty();
    }
    Matcher matcher = QUOTED.matcher(cell);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }
}
