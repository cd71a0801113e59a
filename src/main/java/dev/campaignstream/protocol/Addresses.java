package dev.campaignstream.protocol;

import java.util.UUID;

/** Event-bus addresses of the stream protocol. */
public final class Addresses {

  /** Where HTTP verticles send {@link OpenStream} handshakes; every worker consumes it. */
  public static final String OPEN = "campaign.open";

  /**
   * Where the worker instance on the event loop named {@code loop} takes handshakes from the HTTP
   * verticle on the same loop: a local consumer, sent to with {@code localOnly}, so that the names
   * of other nodes' loops (which repeat from node to node) never meet it. See {@link LoopWorkers}.
   */
  public static String openOn(String loop) {
    return OPEN + ".loop." + loop;
  }

  /** Where readiness checks ask whether any worker is there, and its circuit's state. */
  public static final String PROBE = "campaign.probe";

  private Addresses() {
  }

  /**
   * A private inbox for one verticle instance. One consumer per instance (not per stream) keeps
   * stream set-up free of cluster-wide registrations; frames carry the stream id instead.
   */
  public static String newInbox(String role) {
    return "campaign.inbox." + role + "." + UUID.randomUUID();
  }

  /**
   * Where other HTTP nodes ask to follow the campaigns an HTTP verticle instance writes
   * ({@link JoinStream}): beside its inbox, one per instance, so that following costs no
   * registration per stream either.
   */
  public static String joinAddress(String inbox) {
    return inbox + ".join";
  }
}
