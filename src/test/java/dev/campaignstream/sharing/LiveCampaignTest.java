package dev.campaignstream.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.protocol.Frame;
import dev.campaignstream.protocol.FrameCodec;
import dev.campaignstream.protocol.OpenAck;
import dev.campaignstream.protocol.Peers;
import dev.campaignstream.protocol.StreamError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** One live campaign against a real event bus, without an HTTP server: its protocol edges. */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class LiveCampaignTest {

  private static final CacheSettings CACHE = new CacheSettings(true, 60_000, 10, 100, 10_000);

  @Test
  void aCreditTheBusCannotDeliverEndsTheCampaignAtOnce(Vertx vertx, VertxTestContext testContext) {
    FrameCodec.register(vertx.eventBus());
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      // A liveness timeout far longer than the test: only the failed delivery can end it in time.
      Peers peers = new Peers(vertx.eventBus(), "campaign.inbox.http.test", 1_000, 600_000);
      Reader reader = new Reader(context, testContext);
      Campaigns campaigns = new Campaigns(new LocalCampaignCache(60_000, 10), CACHE, ModelChoice.single("gpt-test"));
      LiveCampaign campaign = new LiveCampaign("stream-1", null, false, campaigns, context, reader, 1_000, 2);
      reader.followNew(campaign, CacheResult.MISS, 0);
      // The worker's inbox has no consumer (its node went away): the next frame sent there cannot be delivered.
      campaign.accepted(new OpenAck("campaign.inbox.worker.gone", new OpenAck.Worker("n", "m", true)),
          peers.attach("campaign.inbox.worker.gone"));
      reader.cursor = 1;
      campaign.onFrame(new Frame.Chunk("stream-1", 1, "Hello"));
    });
  }

  @Test
  void theStateMachinesRefuseMovesTheyDoNotHave() {
    for (LiveCampaign.State ended : new LiveCampaign.State[] {
        LiveCampaign.State.COMPLETED, LiveCampaign.State.FAILED, LiveCampaign.State.CANCELLED}) {
      assertThat(LiveCampaign.State.values()).noneMatch(ended::mayBecome);
    }
    assertThat(LiveCampaign.State.OPENING.mayBecome(LiveCampaign.State.COMPLETED)).isFalse();
    assertThat(LiveCampaign.State.STREAMING.mayBecome(LiveCampaign.State.OPENING)).isFalse();
  }

  /** A follower that waits for the campaign's end and checks how it ended. */
  private static final class Reader implements Follower {
    private final Context context;
    private final VertxTestContext testContext;
    private final AtomicReference<Campaign> source = new AtomicReference<>();
    volatile long cursor;

    Reader(Context context, VertxTestContext testContext) {
      this.context = context;
      this.testContext = testContext;
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public boolean finished() {
      return false;
    }

    @Override
    public long cursor() {
      return cursor;
    }

    @Override
    public void wake() {
      Campaign campaign = source.get();
      if (campaign == null) {
        return;
      }
      Campaign.Ending ending = campaign.snapshot().ending();
      if (ending != null) {
        testContext.verify(() -> {
          StreamError error = ending.error();
          assertThat(error).isNotNull();
          assertThat(error.kind()).isEqualTo("worker_lost");
          assertThat(error.status()).isEqualTo(503);
        });
        testContext.completeNow();
      }
    }

    @Override
    public boolean follow(Campaign campaign, CacheResult result, long after) {
      return false;
    }

    @Override
    public void followNew(LiveCampaign campaign, CacheResult result, long after) {
      source.set(campaign);
    }

    @Override
    public void abort(StreamError error) {
      testContext.failNow("aborted: " + error);
    }
  }
}
