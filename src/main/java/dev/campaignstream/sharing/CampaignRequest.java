package dev.campaignstream.sharing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What one caller of {@code GET /campaign} asked for, as read once from the validated request.
 *
 * @param prompt         the brand exactly as sent
 * @param requestId      the request's id, for logs and upstream
 * @param refresh        skip the cache and other callers' streams, and refresh the cached campaign
 * @param resumeAfter    the id of the last event the caller has ({@code Last-Event-ID}); 0 for none
 * @param payer          who pays for the upstream call, should this request start one
 * @param model          the model the campaign is asked of, chosen by {@link ModelChoice}; null until chosen
 */
public record CampaignRequest(String prompt, String requestId, boolean refresh, long resumeAfter, Payer payer,
    String model) {

  private static final Pattern EVENT_ID = Pattern.compile("[0-9]{1,18}");

  /** @param events whether the caller asked for an event stream, the one representation with event ids */
  public static CampaignRequest of(String prompt, String requestId, boolean events, String cacheControl,
      String lastEventId) {
    // Every browser EventSource sends Cache-Control: no-cache (the Fetch standard's "no-store"
    // cache mode adds it), reconnections included: honoured there, it would turn off the cache,
    // the sharing and resuming for exactly the callers resuming is for. So it counts only for
    // the other representations (plain text, JSON, NDJSON); their refresh serves event streams too.
    boolean refresh = !events && hasNoCache(cacheControl);
    // Only event streams have ids to resume after.
    long resumeAfter = events ? eventId(lastEventId) : 0;
    return new CampaignRequest(prompt, requestId, refresh, resumeAfter, Payer.NONE, null);
  }

  /** The same request, its upstream call paid for by {@code who}. */
  public CampaignRequest paidBy(Payer who) {
    return new CampaignRequest(prompt, requestId, refresh, resumeAfter, who, model);
  }

  /** The same request, asked of {@code chosen}. */
  public CampaignRequest of(String chosen) {
    return new CampaignRequest(prompt, requestId, refresh, resumeAfter, payer, chosen);
  }

  /** Whether a {@code Cache-Control} value (directives separated by commas) holds {@code no-cache}. */
  static boolean hasNoCache(String cacheControl) {
    if (cacheControl == null) {
      return false;
    }
    for (String directive : cacheControl.split(",")) {
      String name = directive.split("=", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (name.equals("no-cache")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The event id a caller resumes after. This service's ids are whole numbers from 1; anything
   * else cannot have come from it and is ignored, as no {@code Last-Event-ID} at all would be.
   */
  static long eventId(String lastEventId) {
    if (lastEventId == null || !EVENT_ID.matcher(lastEventId.strip()).matches()) {
      return 0;
    }
    return Long.parseLong(lastEventId.strip());
  }
}
