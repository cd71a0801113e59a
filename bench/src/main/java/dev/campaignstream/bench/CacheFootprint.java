package dev.campaignstream.bench;

import dev.campaignstream.sharing.CachedCampaign;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cache-footprint}: heap per cached campaign, as the cache keeps it ({@link CachedCampaign})
 * and, for comparison, as a plain list of one string per delta. Fills the heap with campaigns of
 * {@code --deltas} pieces of a few words each (one with a curly apostrophe, as models write, which
 * makes Java store the text in two bytes per character) and measures the used heap after a GC.
 */
final class CacheFootprint {

  static final Set<String> OPTIONS = Set.of("campaigns", "deltas");
  private static final String[] WORDS = {" the", " brand", " coffee", " bold", " new", "’s", " morning", ",",
      " and", " ritual"};

  private CacheFootprint() {
  }

  static int run(Args args) throws InterruptedException {
    args.requireOnly(OPTIONS);
    int campaigns = (int) args.number("campaigns", 10_000);
    int deltas = (int) args.number("deltas", 600);
    double asCached = perCampaignKb(campaigns, deltas, true);
    double asStrings = perCampaignKb(campaigns, deltas, false);
    System.out.printf("{\"campaigns\":%d,\"deltas_per_campaign\":%d,\"kb_per_campaign_cached\":%.1f,"
        + "\"kb_per_campaign_as_string_list\":%.1f}%n", campaigns, deltas, asCached, asStrings);
    return 0;
  }

  private static double perCampaignKb(int campaigns, int deltas, boolean cached) throws InterruptedException {
    List<Object> kept = new ArrayList<>(campaigns);
    long before = usedAfterGc();
    for (int i = 0; i < campaigns; i++) {
      List<String> pieces = new ArrayList<>(deltas);
      for (int j = 0; j < deltas; j++) {
        pieces.add(new String(WORDS[(i + j) % WORDS.length].toCharArray())); // a string of its own, as parsed
      }
      kept.add(cached ? new CachedCampaign(pieces, "stop", null, "bench", false) : List.copyOf(pieces));
    }
    long after = usedAfterGc();
    // Read after the measurement, so that the campaigns are still reachable when it is taken.
    if (kept.size() != campaigns) {
      throw new IllegalStateException("kept " + kept.size());
    }
    return (after - before) / 1024.0 / campaigns;
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
