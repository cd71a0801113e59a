package dev.campaignstream.sharing;

import io.vertx.core.json.JsonObject;

/**
 * Who pays for the upstream call a request starts: told once, on the stream owner's event loop,
 * when the campaign ends, whichever way. Callers who join the stream or are served from the cache
 * pay nothing: a campaign costs its tokens once, to the request that started it.
 */
public interface Payer {

  Payer NONE = (usage, charsReceived) -> { };

  /**
   * @param usage         OpenAI's usage object, or null when the stream ended without one (cut,
   *                      failed, cancelled, or an upstream that sends none)
   * @param charsReceived the characters of text received from the worker, whatever reached callers
   */
  void settle(JsonObject usage, long charsReceived);

  /** The caller key's name (never the key), so that waits for an upstream are fair across keys; null without one. */
  default String keyName() {
    return null;
  }
}
