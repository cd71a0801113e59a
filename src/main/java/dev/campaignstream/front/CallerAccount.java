package dev.campaignstream.front;

import dev.campaignstream.budget.KeyBudgets;
import dev.campaignstream.budget.TokenUse;
import dev.campaignstream.budget.UsageRecord;
import dev.campaignstream.budget.Verdict;
import dev.campaignstream.keys.CallerKey;
import dev.campaignstream.ops.ServiceMetrics;
import dev.campaignstream.sharing.CacheResult;
import dev.campaignstream.sharing.Payer;
import io.vertx.core.json.JsonObject;

/**
 * What one admitted campaign request spends, and on whose account: the stream slot its key's
 * admission took (given back when the caller's stream ends, however it ends), the tokens of the
 * upstream call it started, if it started one, and its line in the usage log. The key is null with
 * caller authentication off: then nothing is counted, but the usage is still logged.
 */
final class CallerAccount implements Payer {

  private final CallerKey key;
  private final Verdict verdict;
  private final UsageRecord usage;
  private final KeyBudgets budgets;
  private final ServiceMetrics metrics;
  private final String brand;

  CallerAccount(CallerKey key, Verdict verdict, UsageRecord usage, KeyBudgets budgets, ServiceMetrics metrics,
      String brand) {
    this.key = key;
    this.verdict = verdict;
    this.usage = usage;
    this.budgets = budgets;
    this.metrics = metrics;
    this.brand = brand;
  }

  /** The campaign this request started ended: its tokens, counted or estimated, go to this key. */
  @Override
  public void settle(JsonObject openAiUsage, long charsReceived) {
    TokenUse use = TokenUse.of(openAiUsage, charsReceived, brand);
    if (key != null) {
      budgets.charge(key.name(), use.total());
      metrics.keyTokens(key.name(), use.prompt(), use.completion());
    }
    usage.tokens(use);
  }

  @Override
  public String keyName() {
    return key == null ? null : key.name();
  }

  void writtenBy(String model, String upstream) {
    usage.writtenBy(model, upstream);
  }

  void joined(CacheResult result) {
    usage.cache(result.value());
  }

  /** The caller's stream ended; {@code error} is the kind of error it got, or "-". */
  void finished(String outcome, String error) {
    if (key != null && verdict.counted()) {
      budgets.release(key);
    }
    usage.finished(outcome, "-".equals(error) ? null : error);
  }
}
