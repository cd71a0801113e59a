package dev.campaignstream.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting's value, read from the merged file and environment entries and checked against
 * its rule before anything starts. Refuses the whole configuration, naming each problem, when a
 * value is wrong or a key in the file is no setting (a misspelt key would otherwise be ignored).
 */
final class SettingValues {

  private final Map<Setting<?>, Object> values = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private SettingValues() {
  }

  /**
   * @param merged the file's entries, with each environment variable set beside them at the top
   *               level (as Vert.x's env store gives them); an empty variable counts as unset
   */
  static SettingValues read(JsonObject merged) {
    SettingValues read = new SettingValues();
    JsonObject file = merged.copy();
    Settings.ALL.forEach(setting -> setting.environmentVariable().ifPresent(file::remove));
    read.refuseUnknownKeys(file, "");
    for (Setting<?> setting : Settings.ALL) {
      read.readValue(setting, merged, file);
    }
    Settings.ORDERS.forEach(read::check);
    if (!read.problems.isEmpty()) {
      throw new InvalidConfigurationException(read.problems);
    }
    return read;
  }

  @SuppressWarnings("unchecked")
  <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  private <T> void readValue(Setting<T> setting, JsonObject merged, JsonObject file) {
    Object raw = setting.environmentVariable().map(merged::getValue).filter(value -> !value.toString().isEmpty())
        .orElseGet(() -> lookup(file, setting.path()));
    if (raw == null) {
      raw = setting.defaultValue().value().get();
    }
    Optional<T> value = setting.type().reader().apply(raw);
    if (value.isEmpty()) {
      problems.add("Configuration " + setting.name() + " " + setting.type().requirement() + ", got '" + raw + "'");
    } else if (!setting.rule().test().test(value.get())) {
      problems.add("Configuration " + setting.name() + " " + setting.rule().requirement() + ", got " + shown(value.get()));
    } else {
      values.put(setting, value.get());
    }
  }

  /** Compared only when both are valid: a broken one has been reported already. */
  private void check(SettingOrder order) {
    Number lower = (Number) values.get(order.lower());
    Number upper = (Number) values.get(order.upper());
    if (lower != null && upper != null && !order.holds(lower, upper)) {
      problems.add("Configuration " + order.lower().name() + " " + order.requirement() + ", got " + lower
          + " and " + upper);
    }
  }

  private void refuseUnknownKeys(JsonObject section, String prefix) {
    for (String key : section.fieldNames()) {
      String path = prefix + key;
      Object value = section.getValue(key);
      boolean isSetting = Settings.ALL.stream().anyMatch(setting -> setting.path().equals(path));
      boolean isSection = Settings.ALL.stream().anyMatch(setting -> setting.path().startsWith(path + "."));
      if (isSection && value instanceof JsonObject child) {
        refuseUnknownKeys(child, path + ".");
      } else if (isSection && value != null) {
        problems.add("Configuration " + path + " must be a section of settings, got '" + value + "'");
      } else if (!isSetting && !isSection) {
        problems.add("Configuration " + path + " is not a setting (see the README's configuration table)");
      }
    }
  }

  private static Object lookup(JsonObject json, String path) {
    Object node = json;
    for (String key : path.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(key);
    }
    return node;
  }

  private static String shown(Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }
}
