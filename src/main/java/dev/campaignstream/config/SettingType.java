package dev.campaignstream.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The kind of value a setting takes. YAML gives numbers and booleans; the environment gives only
 * text, so each type reads both.
 *
 * @param requirement what the message says a value must be, e.g. "must be true or false"
 * @param reader      the value as this type, or empty when it is not one
 */
public record SettingType<T>(String requirement, Function<Object, Optional<T>> reader) {

  public static final SettingType<Long> WHOLE_NUMBER =
      new SettingType<>("must be a whole number", SettingType::wholeNumber);

  /** Held in an {@code int}: a larger number must be refused, not wrapped round to a negative one. */
  public static final SettingType<Integer> INT = new SettingType<>(
      "must be a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE,
      raw -> wholeNumber(raw).filter(n -> n == n.intValue()).map(Long::intValue));

  /** Only true or false: anything else ("1", "yes") is a mistake to report, not a false to assume. */
  public static final SettingType<Boolean> BOOLEAN = new SettingType<>("must be true or false", raw -> {
    if (raw instanceof Boolean flag) {
      return Optional.of(flag);
    }
    String text = raw instanceof String string ? string.trim().toLowerCase(Locale.ROOT) : "";
    return text.equals("true") || text.equals("false") ? Optional.of(Boolean.valueOf(text)) : Optional.empty();
  });

  public static final SettingType<String> TEXT = new SettingType<>("must be text, not a YAML section or list",
      raw -> raw instanceof JsonObject || raw instanceof JsonArray ? Optional.empty() : Optional.of(raw.toString()));

  /** A YAML list, its entries read by the setting's own reader; nothing, or empty text, for none. */
  public static final SettingType<Object> LIST = new SettingType<>("must be a YAML list", raw ->
      raw instanceof JsonArray || raw instanceof String text && text.isBlank() ? Optional.of(raw) : Optional.empty());

  public static final SettingType<NodeRole> NODE_ROLE = new SettingType<>("must be all, http or worker", raw -> {
    try {
      return Optional.of(NodeRole.parse(raw.toString()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  });

  private static Optional<Long> wholeNumber(Object raw) {
    if (raw instanceof Integer || raw instanceof Long) {
      return Optional.of(((Number) raw).longValue());
    }
    if (raw instanceof String text) {
      try {
        return Optional.of(Long.parseLong(text.trim()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
