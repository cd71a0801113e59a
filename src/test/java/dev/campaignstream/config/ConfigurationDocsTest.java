package dev.campaignstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.config.ConfigYamlEntries.Entry;
import dev.campaignstream.config.ReadmeSettingRows.Row;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The README's settings tables and {@code conf/config.yaml} say what {@link Settings} declares:
 * the same settings, environment variables and defaults. Each test lists every difference it
 * finds, naming the setting; mend the docs, or the declaration if it is the one that is wrong.
 */
class ConfigurationDocsTest {

  private static final Path README = Path.of("README.md");
  private static final Path CONFIG_YAML = Path.of(ConfigLoader.DEFAULT_PATH);
  /** Read by logback rather than the loader: the README lists them without a YAML key. */
  private static final Path LOGBACK = Path.of("src/main/resources/logback.xml");

  @Test
  void readmeDocumentsEverySettingWithItsVariableAndDefault() throws IOException {
    List<Row> rows = ReadmeSettingRows.read(README);
    List<String> differences = new ArrayList<>();
    for (Setting<?> setting : Settings.ALL) {
      List<Row> documented = rows.stream().filter(row -> row.path().equals(Optional.of(setting.path()))).toList();
      if (documented.size() != 1) {
        differences.add(setting.name() + " is in " + documented.size() + " README rows, not 1");
        continue;
      }
      Row row = documented.get(0);
      if (!row.environmentVariable().equals(setting.environmentVariable())) {
        differences.add(setting.name() + ": the README gives the variable " + row.environmentVariable().orElse("—"));
      }
      if (!row.documentedDefault().equals(setting.defaultValue().documented())) {
        differences.add(setting.name() + ": the README gives the default '" + row.documentedDefault()
            + "', the loader '" + setting.defaultValue().documented() + "'");
      }
    }
    assertThat(differences).as("README against Settings").isEmpty();
  }

  @Test
  void readmeDocumentsNoSettingTheLoaderLacks() throws IOException {
    String logback = Files.readString(LOGBACK);
    List<String> unknown = new ArrayList<>();
    for (Row row : ReadmeSettingRows.read(README)) {
      boolean declared = row.path().isPresent()
          ? Settings.ALL.stream().anyMatch(setting -> row.path().get().equals(setting.path()))
          : row.environmentVariable().filter(variable -> logback.contains("${" + variable + ":")).isPresent();
      if (!declared) {
        unknown.add(row.line());
      }
    }
    assertThat(unknown).as("README rows that are neither a declared setting nor logback's").isEmpty();
  }

  @Test
  void configYamlWritesOutEverySettingWithItsVariableAndDefault() throws IOException {
    List<Entry> entries = ConfigYamlEntries.read(CONFIG_YAML);
    List<String> differences = new ArrayList<>();
    for (Setting<?> setting : Settings.ALL) {
      List<Entry> written = entries.stream().filter(entry -> entry.path().equals(setting.path())).toList();
      if (written.size() != 1) {
        differences.add(setting.name() + " has " + written.size() + " entries in config.yaml, not 1");
        continue;
      }
      Entry entry = written.get(0);
      if (!entry.environmentVariable().equals(setting.environmentVariable())) {
        differences.add(setting.name() + ": config.yaml's comment names the variable "
            + entry.environmentVariable().orElse("—") + ": " + entry.line());
      }
      if (setting.defaultValue().literal()
          && (entry.commented() || !entry.value().equals(setting.defaultValue().documented()))) {
        differences.add(setting.name() + ": config.yaml should set the default '" + setting.defaultValue().documented()
            + "': " + entry.line());
      }
      // A default worked out at start (cores, host name), or none to write (the key): only an example fits.
      if (!setting.defaultValue().literal() && !entry.commented()) {
        differences.add(setting.name() + ": config.yaml should show it commented out: " + entry.line());
      }
    }
    assertThat(differences).as("config.yaml against Settings").isEmpty();
  }

  @Test
  void configYamlHasNoEntryTheLoaderLacks() throws IOException {
    List<String> unknown = ConfigYamlEntries.read(CONFIG_YAML).stream()
        .filter(entry -> Settings.ALL.stream().noneMatch(setting -> setting.path().equals(entry.path())
            || setting.path().startsWith(entry.path() + ".")))
        .map(Entry::line)
        .toList();
    assertThat(unknown).as("config.yaml entries that are neither a declared setting nor its section").isEmpty();
  }

  /** What the line-by-line reading above may miss, a YAML parser sees: the file changes no default. */
  @Test
  void configYamlReadsAsTheDefaults() throws IOException {
    Map<String, Object> yaml;
    try (Reader reader = Files.newBufferedReader(CONFIG_YAML)) {
      yaml = new Yaml().load(reader);
    }
    assertThat(ConfigLoader.fromJson(new JsonObject(yaml))).isEqualTo(ConfigLoader.fromJson(new JsonObject()));
  }
}
