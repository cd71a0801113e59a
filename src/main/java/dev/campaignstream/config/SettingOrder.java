package dev.campaignstream.config;

/**
 * Two settings that are valid each on its own but not together, e.g. a heartbeat no shorter than
 * the liveness timeout would let a healthy but quiet stream be given up between two pings.
 *
 * @param lower  the setting that must stay below
 * @param upper  the setting it is compared with
 * @param strict {@code lower} must be less than {@code upper}, not merely at most equal
 */
public record SettingOrder(Setting<? extends Number> lower, Setting<? extends Number> upper, boolean strict) {

  public static SettingOrder lessThan(Setting<? extends Number> lower, Setting<? extends Number> upper) {
    return new SettingOrder(lower, upper, true);
  }

  public static SettingOrder atMost(Setting<? extends Number> lower, Setting<? extends Number> upper) {
    return new SettingOrder(lower, upper, false);
  }

  public boolean holds(Number lowerValue, Number upperValue) {
    return strict ? lowerValue.longValue() < upperValue.longValue() : lowerValue.longValue() <= upperValue.longValue();
  }

  public String requirement() {
    return (strict ? "must be less than " : "must be at most ") + upper.name();
  }
}
