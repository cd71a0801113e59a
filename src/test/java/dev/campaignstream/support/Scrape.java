package dev.campaignstream.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample out of a Prometheus scrape. */
public final class Scrape {

  private Scrape() {
  }

  /** The value of the one sample of {@code name} whose labels hold each of {@code labels} (e.g. {@code kind="cut"}). */
  public static double value(String scrape, String name, String... labels) {
    Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
    List<Double> found = new ArrayList<>();
    while (sample.find()) {
      String labelSet = sample.group(1) == null ? "" : sample.group(1);
      if (List.of(labels).stream().allMatch(labelSet::contains)) {
        found.add(Double.parseDouble(sample.group(2)));
      }
    }
    assertThat(found).as(name + " " + List.of(labels)).hasSize(1);
    return found.get(0);
  }
}
