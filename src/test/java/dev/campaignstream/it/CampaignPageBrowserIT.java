package dev.campaignstream.it;

import static dev.campaignstream.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Browser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The page at {@code /} in a real headless Chromium against the packaged jar: a person using the
 * keyboard only types a brand and watches the campaign grow, stops it (and OpenAI stops too),
 * reads every error's detail, reloads without resuming anything, and on a phone-sized screen
 * scrolls nowhere sideways; axe-core finds nothing serious. Screenshots are kept in
 * {@code target/browser-screenshots/}.
 */
@Timeout(60)
class CampaignPageBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static ServiceUnderBrowser service;
  private Browser browser;

  @BeforeAll
  static void startService() throws Exception {
    service = ServiceUnderBrowser.start(Map.of());
  }

  @AfterAll
  static void stopService() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = Browser.open(1000, 900);
    service.upstream.reset();
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void keyboardOnlyAPersonWatchesTheCampaignGrowThenCopiesIt() {
    List<String> deltas = IntStream.range(0, 40).mapToObj(i -> "piece" + i + " ").toList();
    service.upstream.enqueue(Behaviour.stream().withDeltas(deltas).withChunkInterval(Duration.ofMillis(40)));
    browser.driver.get(service.url("/"));
    browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(focused()).isEqualTo("brand");
    browser.driver.switchTo().activeElement().sendKeys("Acme Tea", Keys.ENTER);

    Set<Integer> lengthsWhileWriting = new LinkedHashSet<>();
    await("the campaign to be written", WAIT, () -> {
      if (!text("status").equals("Done.")) {
        int length = text("campaign").length();
        if (length > 0) {
          lengthsWhileWriting.add(length);
        }
        return false;
      }
      return true;
    });
    assertThat(lengthsWhileWriting).as("lengths seen before the end").hasSizeGreaterThanOrEqualTo(2);
    assertThat(text("campaign")).isEqualTo(String.join("", deltas).strip());
    assertThat(text("answered")).isEqualTo("Newly written");
    assertThat(text("first-text")).matches("\\d+ ms");
    assertThat(text("tokens")).matches("\\d+ \\(\\d+ for the request, 40 for the campaign\\)");
    assertThat(text("problem")).isEmpty();
    assertThat(element("stop").isDisplayed()).isFalse();

    // Tab on to the copy button and press it with Space: the whole campaign is on the clipboard.
    tabTo("copy");
    browser.driver.switchTo().activeElement().sendKeys(Keys.SPACE);
    await("the copy to be confirmed", WAIT, () -> text("status").equals("Campaign copied to the clipboard."));
    browser.screenshot("page-written");

    // The same brand again, with the button this time: the cache answers, and the page says so.
    tabTo("write");
    browser.driver.switchTo().activeElement().sendKeys(Keys.SPACE);
    await("the cached campaign", WAIT, () -> text("status").equals("Done."));
    assertThat(text("answered")).isEqualTo("From the cache (no new call to OpenAI)");
    assertThat(text("campaign")).isEqualTo(String.join("", deltas).strip());
    assertThat(service.upstream.startedStreams()).isEqualTo(1);
  }

  @Test
  void stopEndsTheCallToOpenAi() {
    service.upstream.enqueue(Behaviour.stream().withChunks(200).withChunkInterval(Duration.ofMillis(50)));
    browser.driver.get(service.url("/"));
    type("Stop Me");
    await("text to arrive", WAIT, () -> !text("campaign").isEmpty());
    assertThat(element("stop").isDisplayed()).isTrue();
    // The disabled write button is skipped: the next stop is Stop.
    browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(focused()).isEqualTo("stop");
    browser.driver.switchTo().activeElement().sendKeys(Keys.SPACE);
    await("the simulator to see the abort", WAIT, () -> service.upstream.abortedStreams() == 1);
    await("the page to say so", WAIT, () -> text("status").equals("Stopped."));
    int stoppedAt = text("campaign").length();
    assertThat(element("stop").isDisplayed()).isFalse();
    assertThat(focused()).isEqualTo("brand");
    assertThat(service.upstream.completedStreams()).isZero();
    sleep(300);
    assertThat(text("campaign")).hasSize(stoppedAt);
  }

  @Test
  void theTwentyCharacterRuleCountsCodePointsInThePageAndTheServiceAnswersItToo() {
    browser.driver.get(service.url("/"));
    String twentyEmoji = "😀".repeat(20); // 40 UTF-16 units, 20 characters: allowed
    // chromedriver types only the Basic Multilingual Plane: the emoji are put in as an input method would.
    browser.script("const field = document.getElementById('brand'); field.focus();"
        + "field.value = arguments[0]; field.dispatchEvent(new Event('input'));", twentyEmoji);
    assertThat(text("brand-count")).isEqualTo("20");
    type("!");
    assertThat(text("problem")).isEqualTo("The brand is too long: at most 20 characters, this one has 21.");
    assertThat(service.upstream.requests()).as("the page's own check sends nothing").isEmpty();

    element("brand").sendKeys(Keys.BACK_SPACE, Keys.ENTER);
    await("the emoji brand's campaign", WAIT, () -> text("status").equals("Done."));
    assertThat(text("problem")).isEmpty();
    assertThat(service.upstream.requests()).hasSize(1);

    // A page whose own check is bypassed: the service refuses, and the page shows its detail.
    browser.script("document.getElementById('brand').dataset.maxCodePoints = '100'");
    element("brand").clear();
    type("abcdefghijklmnopqrstu");
    await("the service's answer", WAIT, () -> !text("problem").isEmpty());
    assertThat(text("problem")).isEqualTo("Query parameter 'prompt' is too long: at most 20 characters, got 21");
    assertThat(service.upstream.requests()).hasSize(1);
  }

  @Test
  void upstreamFailuresShowTheirDetail() {
    service.upstream.enqueue(Behaviour.serverError(), Behaviour.cutAfter(2).withDeltas("Half", " a campaign", " never sent"));
    browser.driver.get(service.url("/"));
    type("Failing");
    await("the failure", WAIT, () -> !text("problem").isEmpty());
    assertThat(text("problem")).isEqualTo("OpenAI server is busy, try again later");
    assertThat(text("campaign")).isEmpty();
    assertThat(element("write").isEnabled()).isTrue();

    // A failure after the first text: the text stays, and the error event's detail is shown.
    element("brand").sendKeys(Keys.ENTER);
    await("the failure mid-stream", WAIT, () -> !text("problem").isEmpty() && !text("status").equals("Writing…"));
    assertThat(text("campaign")).isEqualTo("Half a campaign");
    assertThat(text("status")).isEqualTo("The campaign stopped before its end.");
    assertThat(text("problem")).isNotBlank().isNotEqualTo("The connection closed before the campaign was complete.");
  }

  @Test
  void aReloadStartsAfreshAndResumesNothing() {
    List<String> deltas = IntStream.range(0, 60).mapToObj(i -> "w" + i + " ").toList();
    // Longer than the reconnect grace that keeps the abandoned event stream for a while (paused):
    // the upstream is still writing when the grace ends and the call is cancelled.
    List<String> abandoned = IntStream.range(0, 200).mapToObj(i -> "w" + i + " ").toList();
    service.upstream.enqueue(Behaviour.stream().withDeltas(abandoned).withChunkInterval(Duration.ofMillis(50)),
        Behaviour.stream().withDeltas(deltas));
    browser.driver.get(service.url("/"));
    type("Reload Co");
    await("text to arrive", WAIT, () -> !text("campaign").isEmpty());
    browser.driver.navigate().refresh();
    await("the simulator to see the abandoned call end", WAIT, () -> service.upstream.abortedStreams() == 1);
    assertThat(text("campaign")).isEmpty();
    assertThat(text("status")).isEmpty();
    assertThat(element("brand").getDomProperty("value")).isEmpty();
    assertThat(browser.script("return sessionStorage.length + localStorage.length")).isEqualTo(0L);

    // Watch what the page sends: the same brand is a new campaign from its first piece.
    browser.script("window.sentHeaders = [];"
        + "const original = window.fetch;"
        + "window.fetch = (url, init) => { window.sentHeaders.push(Object.keys(init.headers)); return original(url, init); };");
    type("Reload Co");
    await("the new campaign", WAIT, () -> text("status").equals("Done."));
    assertThat(text("campaign")).isEqualTo(String.join("", deltas).strip());
    assertThat(text("answered")).isEqualTo("Newly written");
    assertThat(browser.script("return window.sentHeaders")).isEqualTo(List.of(List.of("Accept")));
    assertThat(service.upstream.startedStreams()).isEqualTo(2);
  }

  @Test
  void onANarrowScreenNothingScrollsSidewaysAndAxeFindsNothingSerious() {
    browser.close();
    browser = Browser.phone(360, 800);
    String unbroken = "Unbreakable".repeat(12);
    service.upstream.enqueue(Behaviour.stream().withDeltas("A campaign with ", unbroken, " in it."),
        Behaviour.serverError());
    browser.driver.get(service.url("/"));
    assertThat(browser.script("return window.innerWidth")).isEqualTo(360L);
    List<String> violations = new ArrayList<>(browser.seriousAccessibilityViolations());
    assertThat(horizontalOverflow()).as("idle page").isZero();

    type("Narrow");
    await("the campaign", WAIT, () -> text("status").equals("Done."));
    assertThat(horizontalOverflow()).as("with a long unbroken word").isZero();
    violations.addAll(browser.seriousAccessibilityViolations());
    browser.screenshot("page-narrow-360");

    type("Too long for the page 123");
    assertThat(horizontalOverflow()).as("with the rule shown").isZero();
    element("brand").clear();
    type("Other");
    await("the upstream failure", WAIT, () -> !text("problem").isEmpty());
    assertThat(horizontalOverflow()).as("with an error").isZero();
    violations.addAll(browser.seriousAccessibilityViolations());
    browser.screenshot("page-narrow-360-error");
    assertThat(violations).as("serious or critical axe-core violations").isEmpty();
  }

  private void type(String brand) {
    WebElement field = element("brand");
    field.sendKeys(brand, Keys.ENTER);
  }

  private void tabTo(String id) {
    for (int i = 0; i < 10 && !id.equals(focused()); i++) {
      browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
    }
    assertThat(focused()).isEqualTo(id);
  }

  private String focused() {
    return browser.driver.switchTo().activeElement().getDomAttribute("id");
  }

  private WebElement element(String id) {
    return browser.driver.findElement(By.id(id));
  }

  private String text(String id) {
    Object text = browser.script("return document.getElementById(arguments[0]).textContent", id);
    return String.valueOf(text).strip();
  }

  private long horizontalOverflow() {
    return (Long) browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
