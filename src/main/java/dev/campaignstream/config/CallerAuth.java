package dev.campaignstream.config;

/** Whether a node's API asks callers for a key, as the configuration and demo mode decide it. */
public enum CallerAuth {
  /** {@code /campaign} and {@code /echo} need a key of the keys file. */
  KEYS,
  /** Anyone who reaches the port is served: asked for ({@code CALLER_AUTH=none}), or demo mode without a keys file. */
  OPEN,
  /** Neither asked for nor implied: a node that would spend OpenAI's money for anyone refuses to start. */
  UNDECIDED
}
