package dev.campaignstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What a setting's value must meet beyond its type.
 *
 * @param requirement what the message says, e.g. "must be at least 1"
 * @param test        true for a value that meets it
 */
public record SettingRule<T>(String requirement, Predicate<T> test) {

  public static <T> SettingRule<T> any() {
    return new SettingRule<>("may be anything", value -> true);
  }

  public static SettingRule<Number> atLeast(long min) {
    return new SettingRule<>("must be at least " + min, value -> value.longValue() >= min);
  }

  public static SettingRule<Number> between(long min, long max) {
    return new SettingRule<>("must be from " + min + " to " + max,
        value -> value.longValue() >= min && value.longValue() <= max);
  }

  /** 0 asks the system for a free port. */
  public static SettingRule<Number> port() {
    return new SettingRule<>("must be a port from 0 to 65535", between(0, 65_535).test());
  }

  /** One of the values, or empty for the setting's described default. */
  public static SettingRule<String> oneOf(String... allowed) {
    java.util.List<String> values = java.util.List.of(allowed);
    return new SettingRule<>("must be " + String.join(" or ", values) + " (or left unset)",
        value -> value.isEmpty() || values.contains(value.trim()));
  }

  /** A port that may be left unset. */
  public static SettingRule<String> optionalPort() {
    return new SettingRule<>("must be a port from 0 to 65535 (or left unset)",
        value -> value.isBlank() || value.trim().matches("[0-9]{1,5}") && Integer.parseInt(value.trim()) <= 65_535);
  }

  public static SettingRule<String> notBlank() {
    return new SettingRule<>("must not be blank", value -> !value.isBlank());
  }

  public static SettingRule<String> httpUrl() {
    return new SettingRule<>("must be an http or https URL", SettingRule::isHttpUrl);
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
