package dev.campaignstream.keys;

import java.util.Objects;

/**
 * A caller the operator declared in the keys file, as the rest of the service knows it: its name
 * and its limits, never the key nor its hash. A request that presented a valid key carries it in
 * its routing context under {@link #CONTEXT_KEY}; with caller authentication off that is null.
 */
public record CallerKey(String name, KeyLimits limits, boolean disabled) {

  /** Where the authenticated caller of a request is kept in its routing context. */
  public static final String CONTEXT_KEY = "campaign-stream.caller-key";

  public CallerKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(limits, "limits");
  }
}
