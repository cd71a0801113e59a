package dev.campaignstream.keys;

import java.util.List;

/** A keys file that does not parse or breaks a rule: every problem, each naming its line, none quoting a key. */
public final class InvalidKeysFileException extends Exception {

  private final List<String> problems;

  public InvalidKeysFileException(List<String> problems) {
    super(String.join("; ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
