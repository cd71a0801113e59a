package dev.campaignstream.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} options, with a check that every given name is known. */
final class Args {

  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, int from, Set<String> flags) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String name = a.substring(2);
      int eq = name.indexOf('=');
      if (eq >= 0) {
        values.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (flags.contains(name)) {
        values.put(name, "true");
      } else if (i + 1 < args.length) {
        values.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
  }

  void requireOnly(Set<String> known) {
    for (String name : values.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
      }
    }
  }

  String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long number(String name, long fallback) {
    String v = values.get(name);
    return v == null ? fallback : Long.parseLong(v.trim());
  }

  double decimal(String name, double fallback) {
    String v = values.get(name);
    return v == null ? fallback : Double.parseDouble(v.trim());
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  boolean has(String name) {
    return values.containsKey(name);
  }
}
