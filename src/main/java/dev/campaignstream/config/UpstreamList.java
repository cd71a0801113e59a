package dev.campaignstream.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads {@code openai.upstreams}, the list of upstreams, checking every entry; without a list,
 * the single {@code openai.baseUrl} / {@code OPENAI_API_KEY} form is a list of one. A key is only
 * ever read from the environment variable an entry names, so that no file holds one.
 */
final class UpstreamList {

  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern API_VERSION = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?");
  private static final Set<String> FIELDS = Set.of("name", "type", "baseUrl", "apiKeyEnv", "model", "weight",
      "maxConcurrentStreams", "apiVersion", "http2");

  private final List<String> problems;
  private final UnaryOperator<String> environment;

  private UpstreamList(List<String> problems, UnaryOperator<String> environment) {
    this.problems = problems;
    this.environment = environment;
  }

  /**
   * @param raw         the value of {@code openai.upstreams}: a list, or null / empty for the single form
   * @param environment the process's environment variables (a test gives its own)
   * @param problems    where each broken rule is reported
   */
  static List<UpstreamSettings> read(Object raw, String baseUrl, String apiKey, String model,
      UnaryOperator<String> environment, List<String> problems) {
    if (raw == null || raw instanceof String text && text.isBlank()
        || raw instanceof JsonArray array && array.isEmpty()) {
      return List.of(new UpstreamSettings(UpstreamSettings.SINGLE, UpstreamType.OPENAI, baseUrl, "OPENAI_API_KEY",
          apiKey == null || apiKey.isBlank() ? null : apiKey, model, 1, 0, null, false));
    }
    if (!(raw instanceof JsonArray array)) {
      problems.add("Configuration openai.upstreams must be a YAML list of upstreams (see the README's"
          + " \"Many upstreams\" section)");
      return List.of();
    }
    return new UpstreamList(problems, environment).entries(array, model);
  }

  private List<UpstreamSettings> entries(JsonArray array, String defaultModel) {
    List<UpstreamSettings> upstreams = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "openai.upstreams[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        problems.add("Configuration " + at + " must be a section with name, baseUrl and the other fields of an upstream");
        continue;
      }
      UpstreamSettings upstream = entry(at, entry, defaultModel);
      if (upstream != null && !names.add(upstream.name())) {
        problems.add("Configuration " + at + ".name must be unique, got '" + upstream.name() + "' twice");
      } else if (upstream != null) {
        upstreams.add(upstream);
      }
    }
    if (!upstreams.isEmpty() && upstreams.stream().allMatch(upstream -> upstream.weight() == 0)) {
      problems.add("Configuration openai.upstreams needs one upstream with a weight above 0");
    }
    return upstreams;
  }

  private UpstreamSettings entry(String at, JsonObject entry, String defaultModel) {
    int before = problems.size();
    for (String field : entry.fieldNames()) {
      if (field.equals("apiKey")) {
        problems.add("Configuration " + at + ".apiKey is not a setting: name the environment variable that"
            + " holds the key in apiKeyEnv, so that no file holds it");
      } else if (!FIELDS.contains(field)) {
        problems.add("Configuration " + at + "." + field + " is not a setting of an upstream (" + String.join(", ",
            FIELDS.stream().sorted().toList()) + ")");
      }
    }
    String name = text(entry, "name", at);
    if (name != null && !NAME.matcher(name).matches()) {
      problems.add("Configuration " + at + ".name must be 1 to 40 of a-z, 0-9 and '-', got " + quoted(name));
    }
    UpstreamType type = Optional.ofNullable(optionalText(entry, "type", at)).map(value -> UpstreamType.parse(value)
        .orElseGet(() -> {
          problems.add("Configuration " + at + ".type must be openai or azure, got " + quoted(value));
          return null;
        })).orElse(UpstreamType.OPENAI);
    String baseUrl = text(entry, "baseUrl", at);
    if (baseUrl != null && !isHttpUrl(baseUrl)) {
      problems.add("Configuration " + at + ".baseUrl must be an http:// or https:// URL, got " + quoted(baseUrl));
    }
    String apiKeyEnv = optionalText(entry, "apiKeyEnv", at);
    if (apiKeyEnv != null && !VARIABLE.matcher(apiKeyEnv).matches()) {
      problems.add("Configuration " + at + ".apiKeyEnv must be the name of an environment variable, got "
          + quoted(apiKeyEnv));
    }
    String model = Optional.ofNullable(optionalText(entry, "model", at)).orElse(defaultModel);
    int weight = number(entry, "weight", at, 1, 0);
    int cap = number(entry, "maxConcurrentStreams", at, 0, 1);
    String apiVersion = optionalText(entry, "apiVersion", at);
    Object http2 = entry.getValue("http2", false);
    if (!(http2 instanceof Boolean)) {
      problems.add("Configuration " + at + ".http2 must be true or false, got " + quoted(String.valueOf(http2)));
    }
    if (type == UpstreamType.AZURE && apiVersion == null) {
      problems.add("Configuration " + at + ".apiVersion is required for an azure upstream, e.g. 2024-10-21");
    } else if (apiVersion != null && type != UpstreamType.AZURE) {
      problems.add("Configuration " + at + ".apiVersion is for azure upstreams only");
    } else if (apiVersion != null && !API_VERSION.matcher(apiVersion).matches()) {
      problems.add("Configuration " + at + ".apiVersion must be a date like 2024-10-21, got " + quoted(apiVersion));
    }
    if (problems.size() > before) {
      return null;
    }
    String key = apiKeyEnv == null ? null : environment.apply(apiKeyEnv);
    return new UpstreamSettings(name, type, baseUrl, apiKeyEnv, key == null || key.isBlank() ? null : key, model,
        weight, cap, apiVersion, Boolean.TRUE.equals(http2));
  }

  private String text(JsonObject entry, String field, String at) {
    String value = optionalText(entry, field, at);
    if (value == null && !entry.containsKey(field)) {
      problems.add("Configuration " + at + "." + field + " is required");
    }
    return value;
  }

  private String optionalText(JsonObject entry, String field, String at) {
    Object value = entry.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject || value instanceof JsonArray || value.toString().isBlank()) {
      problems.add("Configuration " + at + "." + field + " must be text");
      return null;
    }
    return value.toString().trim();
  }

  private int number(JsonObject entry, String field, String at, int absent, int min) {
    Object value = entry.getValue(field);
    if (value == null) {
      return absent;
    }
    Optional<Integer> read = SettingType.INT.reader().apply(value);
    if (read.isEmpty() || read.get() < min) {
      problems.add("Configuration " + at + "." + field + " must be a whole number of at least " + min + ", got "
          + quoted(value.toString()));
      return absent;
    }
    return read.get();
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null && uri.getRawQuery() == null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** What a caller of the config wrote, bounded: a value is never a key, but may be long. */
  private static String quoted(String value) {
    return "'" + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'";
  }
}
