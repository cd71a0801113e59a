package dev.campaignstream.worker;

import dev.campaignstream.upstream.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

/**
 * Picks the upstream of a new attempt: by weight among those of the stream's model that can take
 * it now and that it has not tried yet; upstreams of weight 0 only when no weighted one can.
 * The pick takes the upstream's place (its connection) in the same step, so that two instances
 * never overfill it.
 */
final class UpstreamRouter {

  /** An upstream whose place is taken for the attempt, or why none could be. */
  record Choice(Upstream upstream, Refusal refusal) {
  }

  private final List<Upstream> upstreams;
  private final IntUnaryOperator draw;

  UpstreamRouter(List<Upstream> upstreams) {
    this(upstreams, bound -> ThreadLocalRandom.current().nextInt(bound));
  }

  /** @param draw a number from 0 to the bound, excluded */
  UpstreamRouter(List<Upstream> upstreams, IntUnaryOperator draw) {
    this.upstreams = List.copyOf(upstreams);
    this.draw = draw;
  }

  /** Whether the model has an upstream that the stream has not tried. */
  boolean hasUntried(String model, Set<String> tried) {
    return upstreams.stream().anyMatch(upstream -> serves(upstream, model) && !tried.contains(upstream.name()));
  }

  Choice choose(String model, Set<String> tried) {
    List<Upstream> weighted = new ArrayList<>();
    List<Upstream> standby = new ArrayList<>();
    List<Refusal> refusals = new ArrayList<>();
    for (Upstream upstream : upstreams) {
      if (!serves(upstream, model) || tried.contains(upstream.name())) {
        continue;
      }
      Refusal refusal = upstream.refusal();
      if (refusal != null) {
        refusals.add(refusal);
      } else if (upstream.settings().weight() > 0) {
        weighted.add(upstream);
      } else {
        standby.add(upstream);
      }
    }
    Upstream chosen = pick(weighted);
    if (chosen == null) {
      chosen = pick(standby);
    }
    return chosen != null ? new Choice(chosen, null) : new Choice(null, Refusal.of(refusals));
  }

  /** Whether any upstream here serves the model at all (an HTTP node configured otherwise may ask for another). */
  boolean serves(String model) {
    return upstreams.stream().anyMatch(upstream -> serves(upstream, model));
  }

  /** By weight; one whose place another instance took meanwhile is left out, and the pick made again. */
  private Upstream pick(List<Upstream> candidates) {
    List<Upstream> left = new ArrayList<>(candidates);
    while (!left.isEmpty()) {
      int total = left.stream().mapToInt(upstream -> Math.max(1, upstream.settings().weight())).sum();
      int at = draw.applyAsInt(total);
      Upstream chosen = left.get(left.size() - 1);
      for (Upstream upstream : left) {
        at -= Math.max(1, upstream.settings().weight());
        if (at < 0) {
          chosen = upstream;
          break;
        }
      }
      if (chosen.share().hold()) {
        return chosen;
      }
      left.remove(chosen);
    }
    return null;
  }

  /**
   * A stream asks for the model it is keyed under; a stream of an HTTP side that names none
   * (an older build) may go to any.
   */
  private static boolean serves(Upstream upstream, String model) {
    return model == null || model.equals(upstream.settings().model());
  }
}
