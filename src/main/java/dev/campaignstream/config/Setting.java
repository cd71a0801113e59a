package dev.campaignstream.config;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One configuration setting, declared once in {@link Settings}. The loader reads it from this
 * declaration, start-up validation checks it against its rule, and a test holds the README's
 * table and {@code conf/config.yaml} to it, so the three cannot drift apart.
 *
 * @param path                where it sits in the YAML file, e.g. {@code stream.creditWindow}
 * @param environmentVariable the variable that overrides the file, where there is one
 * @param defaultValue        what it is when neither the file nor the environment sets it
 * @param type                the kind of value it takes
 * @param rule                what a value of that kind must also meet
 */
public record Setting<T>(String path, Optional<String> environmentVariable, Default defaultValue, SettingType<T> type,
    SettingRule<? super T> rule) {

  /** How messages name it: its YAML path, and its environment variable where there is one. */
  public String name() {
    return environmentVariable.map(variable -> path + " (" + variable + ")").orElse(path);
  }

  /**
   * A default as the docs write it, and the text the loader reads as if it had been configured.
   *
   * @param documented how the README writes it: the value itself, or a description such as "cores"
   * @param literal    the documented text is the value itself, so {@code conf/config.yaml} can write it out
   * @param value      worked out when the configuration is read (the machine's cores, its host name)
   */
  public record Default(String documented, boolean literal, Supplier<String> value) {

    public static Default of(String value) {
      return new Default(value, true, () -> value);
    }

    public static Default described(String description, Supplier<String> value) {
      return new Default(description, false, value);
    }
  }
}
