package dev.campaignstream.sharing;

import dev.campaignstream.config.UpstreamSettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Which model a campaign is asked of, when the upstreams serve more than one. A campaign written
 * by one model is another campaign than the same brand written by another (its key says which),
 * so the choice is made once per brand, not per request: spread over the models by their
 * upstreams' weights, and the same for every request of a brand, on every node, so that its
 * callers share one stream, one cached campaign, and resume it anywhere. With one model (the
 * usual case) it is that model.
 */
public final class ModelChoice {

  private final String[] models;
  private final long[] upTo;
  private final long total;

  private ModelChoice(Map<String, Long> weights) {
    models = weights.keySet().toArray(String[]::new);
    upTo = new long[models.length];
    long sum = 0;
    for (int i = 0; i < models.length; i++) {
      sum += weights.get(models[i]);
      upTo[i] = sum;
    }
    total = sum;
  }

  /** The models of {@code upstreams}, each weighing what its upstreams together weigh. */
  public static ModelChoice of(List<UpstreamSettings> upstreams) {
    Map<String, Long> weights = new LinkedHashMap<>();
    for (UpstreamSettings upstream : upstreams) {
      weights.merge(upstream.model(), (long) upstream.weight(), Long::sum);
    }
    // Standby-only models (weight 0) are never chosen for a brand: they write nobody's campaign by choice.
    weights.values().removeIf(weight -> weight == 0);
    return new ModelChoice(weights);
  }

  /** One model for everything: tests and single-model nodes. */
  public static ModelChoice single(String model) {
    return new ModelChoice(Map.of(model, 1L));
  }

  /** The model the campaign for {@code brand} is asked of. */
  public String of(String brand) {
    if (models.length == 1) {
      return models[0];
    }
    CRC32 crc = new CRC32();
    crc.update(CampaignKey.normalise(brand).getBytes(StandardCharsets.UTF_8));
    long at = crc.getValue() % total;
    for (int i = 0; i < models.length; i++) {
      if (at < upTo[i]) {
        return models[i];
      }
    }
    return models[models.length - 1];
  }
}
