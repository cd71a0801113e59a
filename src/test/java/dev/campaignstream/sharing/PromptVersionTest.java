package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cached campaigns are keyed by the system prompt's version: changing the prompt without bumping
 * {@link CampaignKey#PROMPT_VERSION} would serve campaigns written for the old one. This fails
 * until the version is bumped and the new prompt recorded here under it. The prompt is read from
 * what OpenAI is sent, so the check needs nothing of the worker's code.
 */
@ExtendWith(VertxExtension.class)
class PromptVersionTest {

  private static final Map<Integer, String> PROMPTS = Map.of(
      1, "You are an expert creative marketer. Create a campaign for the brand the user enters.");

  @Test
  void theSystemPromptSentIsTheOneItsVersionStandsFor(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> app.caller.get("/campaign?prompt=Acme", null).map(seen -> app))
        .onComplete(testContext.succeeding(app -> testContext.verify(() -> {
          String sent = app.upstream.requests().get(0).body().getJsonArray("messages").getJsonObject(0)
              .getString("content");
          assertThat(sent)
              .as("the system prompt changed: bump CampaignKey.PROMPT_VERSION and record the new prompt here")
              .isEqualTo(PROMPTS.get(CampaignKey.PROMPT_VERSION));
          testContext.completeNow();
        })));
  }
}
