package dev.campaignstream.front;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page at {@code /} for people: one hand-written HTML file with its style and script inline,
 * no build step and nothing fetched but the service's own {@code /campaign}. Its
 * {@code Content-Security-Policy} allows exactly that inline style and script (by their hashes,
 * worked out here from the file) and connections to this origin only.
 */
final class CampaignPage {

  private static final String RESOURCE = "page/index.html";
  private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

  private CampaignPage() {
  }

  static Handler<RoutingContext> handler() {
    String html = read();
    String policy = policy(html);
    return rc -> rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", policy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(html);
  }

  private static String policy(String html) {
    StringBuilder script = new StringBuilder();
    StringBuilder style = new StringBuilder();
    Matcher inline = INLINE.matcher(html);
    while (inline.find()) {
      (inline.group(1).equals("script") ? script : style).append(" 'sha256-").append(sha256(inline.group(2))).append('\'');
    }
    return "default-src 'none'; connect-src 'self'; script-src" + script + "; style-src" + style
        + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }

  private static String read() {
    try (InputStream in = CampaignPage.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
