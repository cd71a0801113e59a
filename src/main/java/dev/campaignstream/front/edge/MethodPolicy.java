package dev.campaignstream.front.edge;

import dev.campaignstream.front.Problem;
import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * Which methods reach the router. Every resource of the service is read-only, so the same three
 * methods are allowed everywhere; a method RFC 9110 defines gets {@code 405} with {@code Allow},
 * anything else (a method a caller made up) {@code 501}, before any route, metric or log sees it.
 */
public final class MethodPolicy {

  /** The value of every {@code Allow} header the service sends. */
  public static final String ALLOW = "GET, HEAD, OPTIONS";

  private static final Set<HttpMethod> ALLOWED = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  /** The methods of RFC 9110 section 9 and RFC 5789 (PATCH): known, but not served here. */
  private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
      HttpMethod.CONNECT, HttpMethod.TRACE, HttpMethod.PATCH);

  private MethodPolicy() {
  }

  /** The refusal for a method that must not reach the router, or null to let it through. */
  static Problem refusal(HttpMethod method, String path) {
    if (ALLOWED.contains(method)) {
      return null;
    }
    if (KNOWN.contains(method)) {
      return Problem.of(405, "Method " + method.name() + " is not allowed on " + path);
    }
    // The name is not echoed: it is whatever the caller invented.
    return Problem.of(501, "This method is not implemented; allowed: " + ALLOW);
  }
}
