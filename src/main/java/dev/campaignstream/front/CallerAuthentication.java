package dev.campaignstream.front;

import dev.campaignstream.keys.CallerKey;
import dev.campaignstream.keys.KeyVerifier;
import dev.campaignstream.keys.KeyVerifier.Verdict;
import dev.campaignstream.ops.ServiceMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;

/**
 * The caller key of an operation the contract secures, checked before the request is validated:
 * the caller goes on under {@link CallerKey#CONTEXT_KEY}, or gets {@code 401} (no key, or one that
 * is not valid: the same answer whether or not such a key exists) or {@code 403} (a disabled key).
 * The header's value never reaches a log, a metric or an answer; refusals are counted by a fixed
 * reason, requests by the key's name, which the keys file bounds.
 */
final class CallerAuthentication implements AuthenticationHandler {

  static final CharSequence WWW_AUTHENTICATE = HttpHeaders.createOptimized("WWW-Authenticate");
  static final String REALM = "campaign-stream";
  static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
  /** RFC 6750 3.1: a key that is not valid gets the error code; a request without one does not. */
  static final String INVALID_TOKEN = CHALLENGE + ", error=\"invalid_token\"";

  private final KeyVerifier verifier;
  private final ServiceMetrics metrics;

  CallerAuthentication(KeyVerifier verifier, ServiceMetrics metrics) {
    this.verifier = verifier;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext rc) {
    Verdict verdict = verifier.verify(rc.request().headers().getAll(HttpHeaders.AUTHORIZATION));
    AccessRecord access = AccessRecord.of(rc);
    if (verdict.key() != null) {
      access.key = verdict.key().name();
    }
    if (verdict.refusal() == null) {
      rc.put(CallerKey.CONTEXT_KEY, verdict.key());
      metrics.callerRequest(verdict.key().name());
      rc.next();
      return;
    }
    metrics.authRefused(verdict.refusal().label);
    access.error = "key_" + verdict.refusal().label;
    switch (verdict.refusal()) {
      case MISSING -> {
        rc.response().putHeader(WWW_AUTHENTICATE, CHALLENGE);
        Problem.of(401, "This operation needs a caller key: send 'Authorization: Bearer <key>'").send(rc.response());
      }
      case MALFORMED, UNKNOWN -> {
        rc.response().putHeader(WWW_AUTHENTICATE, INVALID_TOKEN);
        Problem.of(401, "The caller key is not valid: send 'Authorization: Bearer <key>' with a key the operator"
            + " made for you").send(rc.response());
      }
      case DISABLED -> Problem.of(403, "The caller key '" + verdict.key().name() + "' is disabled; ask the operator")
          .send(rc.response());
      default -> throw new IllegalStateException(verdict.refusal().name());
    }
  }
}
