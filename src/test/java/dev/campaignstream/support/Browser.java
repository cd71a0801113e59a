package dev.campaignstream.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A headless Debian Chromium driven by its own chromedriver, both from the PATH (Selenium is told
 * where they are, so it downloads nothing). Where they are not installed the browser tests are
 * skipped, except in CI ({@code CI} set), whose {@code .ci/run} installs them.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where the screenshots are kept, as build artifacts. */
  public static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
  private static final String AXE = "META-INF/resources/webjars/axe-core/";

  public final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** A desktop browser whose window is {@code width} by {@code height} CSS pixels. */
  public static Browser open(int width, int height) {
    return open(new ChromeOptions().addArguments("--window-size=" + width + "," + height));
  }

  /**
   * A phone's screen, {@code width} CSS pixels wide (a headless window is never narrower than 500):
   * Chromium's mobile emulation, with the viewport meta tag honoured as on a phone.
   */
  public static Browser phone(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
        Map.of("width", width, "height", height, "pixelRatio", 2.0, "mobile", true, "touch", true)));
    return open(options);
  }

  private static Browser open(ChromeOptions options) {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && System.getenv("CI") != null) {
      throw new AssertionError("CI must run the browser tests: install Debian's chromium and chromium-driver");
    }
    assumeTrue(installed, "chromium and chromium-driver are not installed: browser tests skipped");
    options.setBinary(CHROMIUM.toString())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return new Browser(driver);
  }

  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs {@code script}, whose last argument is the callback it must call with its result. */
  public Object asyncScript(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Waits up to {@code timeout} for {@code condition}, failing with {@code what}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for " + what, e);
      }
    }
  }

  /** Saves a screenshot of the page as {@code target/browser-screenshots/<name>.png}. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The serious and critical violations axe-core finds in the page as it is now, one line each. */
  @SuppressWarnings("unchecked")
  public List<String> seriousAccessibilityViolations() {
    script(axeSource());
    Map<String, Object> results = (Map<String, Object>) asyncScript(
        "const done = arguments[arguments.length - 1];"
            + "axe.run(document).then(r => done(r), e => done({error: String(e)}));");
    if (results.containsKey("error")) {
      throw new AssertionError("axe-core failed: " + results.get("error"));
    }
    return ((List<Map<String, Object>>) results.get("violations")).stream()
        .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
        .map(v -> v.get("impact") + " " + v.get("id") + ": " + v.get("help") + " at "
            + ((List<Map<String, Object>>) v.get("nodes")).stream().map(n -> String.valueOf(n.get("target"))).toList())
        .toList();
  }

  private static String axeSource() {
    String version = webjarVersion();
    try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(AXE + version + "/axe.min.js")) {
      if (in == null) {
        throw new IllegalStateException("The axe-core webjar is missing from the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String webjarVersion() {
    String resource = "META-INF/maven/org.webjars.npm/axe-core/pom.properties";
    try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The axe-core webjar is missing from the test classpath");
      }
      java.util.Properties properties = new java.util.Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
