package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /} serves the page for people, self-contained: nothing it loads comes from anywhere,
 * and its policy lets it connect to this origin only. What it does in a browser is in
 * {@code CampaignPageBrowserIT}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(20)
class CampaignPageTest {

  /** Anything that would make the browser fetch something: a source, a link, an import, a URL in CSS. */
  private static final Pattern FETCHES = Pattern.compile("\\b(src|href)\\s*=|@import|url\\(|https?://");

  private TestService app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    TestService.start(vertx).onComplete(testContext.succeeding(started -> {
      app = started;
      testContext.completeNow();
    }));
  }

  @Test
  void servesTheSelfContainedPage(VertxTestContext testContext) {
    app.caller.get("/", "text/html").onComplete(testContext.succeeding(page -> testContext.verify(() -> {
      assertThat(page.status).isEqualTo(200);
      assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(page.body())
          .contains("<label for=\"brand\">Brand</label>")
          .contains("<input id=\"brand\"")
          .contains("aria-live=\"polite\"")
          .doesNotContain("EventSource(")
          .doesNotContainPattern(FETCHES);
      assertThat(page.header("Content-Security-Policy"))
          .startsWith("default-src 'none'; connect-src 'self'; script-src 'sha256-")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline");
      assertThat(app.upstream.requests()).isEmpty();
      testContext.completeNow();
    })));
  }
}
