package dev.campaignstream.config;

import java.util.List;

/**
 * The configuration breaks one or more rules. Every problem is in the one-line message, each
 * naming its setting, so an operator mends them all in one go rather than one per restart.
 */
public final class InvalidConfigurationException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidConfigurationException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
