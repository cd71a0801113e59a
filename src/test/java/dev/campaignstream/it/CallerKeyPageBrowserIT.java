package dev.campaignstream.it;

import static dev.campaignstream.support.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.simulator.Behaviour;
import dev.campaignstream.support.Browser;
import dev.campaignstream.support.KeysFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The page with caller keys on, in a real Chromium against the jar: the first campaign is refused
 * with the service's 401, the page asks for a key, keeps it in sessionStorage only (nothing in
 * localStorage or a cookie), and the stream then works with {@code Authorization: Bearer}; a wrong
 * key is forgotten and asked for again.
 */
@Timeout(60)
class CallerKeyPageBrowserIT {

  private static final String KEY = "cs_page-test-key-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static ServiceUnderBrowser service;

  @BeforeAll
  static void start() throws Exception {
    Path keys = KeysFiles.write(Files.createTempDirectory("page-keys").resolve("keys.yaml"),
        KeysFiles.entry("page-test", KEY));
    service = ServiceUnderBrowser.start(Map.of("CALLER_AUTH", "keys", "CALLER_KEYS_FILE", keys.toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void thePageAsksForAKeyKeepsItForTheSessionAndStreamsWithIt() {
    service.upstream.enqueue(Behaviour.stream().withDeltas("Keyed", " campaign"));
    try (Browser browser = Browser.open(1000, 900)) {
      browser.driver.get(service.url("/"));
      assertThat(browser.driver.findElement(By.id("key-form")).isDisplayed()).isFalse();
      browser.driver.findElement(By.id("brand")).sendKeys("Keyed Co", Keys.ENTER);
      await("the key field", WAIT, () -> browser.driver.findElement(By.id("key-form")).isDisplayed());
      assertThat(text(browser, "problem")).isNotBlank();
      assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("key");
      assertThat(service.upstream.requests()).isEmpty();

      // A wrong key: refused, forgotten, asked for again.
      browser.driver.switchTo().activeElement().sendKeys("cs_wrong", Keys.ENTER);
      await("the key field again", WAIT, () -> browser.driver.findElement(By.id("key-form")).isDisplayed());
      assertThat(browser.script("return sessionStorage.getItem('campaign-stream.key')")).isNull();

      browser.driver.switchTo().activeElement().sendKeys(KEY, Keys.ENTER);
      await("the campaign", WAIT, () -> text(browser, "status").equals("Done."));
      assertThat(text(browser, "campaign")).isEqualTo("Keyed campaign");
      assertThat(text(browser, "problem")).isEmpty();
      assertThat(browser.script("return [sessionStorage.getItem('campaign-stream.key'), localStorage.length,"
          + " document.cookie]")).isEqualTo(List.of(KEY, 0L, ""));
      assertThat(service.upstream.requests()).hasSize(1);
      browser.screenshot("page-with-key");

      // Reloaded, the tab still has its key: no question asked.
      service.upstream.enqueue(Behaviour.stream().withDeltas("Again"));
      browser.driver.navigate().refresh();
      browser.driver.findElement(By.id("brand")).sendKeys("Second Co", Keys.ENTER);
      await("the second campaign", WAIT, () -> text(browser, "status").equals("Done."));
      assertThat(text(browser, "campaign")).isEqualTo("Again");
      assertThat(browser.driver.findElement(By.id("key-form")).isDisplayed()).isFalse();
      assertThat(browser.seriousAccessibilityViolations()).isEmpty();
    }
  }

  private static String text(Browser browser, String id) {
    return String.valueOf(browser.script("return document.getElementById(arguments[0]).textContent", id)).strip();
  }
}
