package dev.campaignstream.front;

import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import java.util.List;

/**
 * Hands query and header parameters to the contract's validator so that every string arrives intact.
 *
 * <p>vertx-openapi 5.0.7 mangles string query values on their way to validation: it URL-decodes
 * them a second time (so {@code 100%} fails and {@code %2B} becomes a space) and then decodes
 * them as JSON (so {@code true}, {@code null}, {@code 123} or {@code 1e5} fail as the wrong type,
 * and {@code "x"} loses its quotes). Header values go through the same JSON decoding (a
 * {@code Last-Event-ID: 12} would be a number). Here each value is decoded once, a query's by
 * {@link QueryString} (strictly, names exact), a header's by Vert.x, and passed as a JSON string
 * literal, which its JSON decoding turns back into exactly the string the caller sent. The
 * contract's schema (length in code points, pattern) still decides.
 *
 * <p>A query parameter sent twice is refused: the contract declares each as one string, and
 * picking one of two brands would answer a question the caller may not have asked.
 *
 * <p>A header sent on several lines is one value, its lines joined with commas, as HTTP defines
 * for list-valued fields such as {@code Cache-Control}.
 *
 * <p>Only string query and header parameters exist in this contract; an operation with any
 * other kind, or with a request body, is refused when the router is built rather than validated
 * half-way.
 */
final class ParameterExtractor {

  private ParameterExtractor() {
  }

  /** Fails fast for an operation whose parameters this extractor cannot hand over intact. */
  static void requireSupported(Operation operation) {
    if (operation.getRequestBody() != null) {
      throw new IllegalStateException("Request bodies are not supported; " + operation.getOperationId() + " has one");
    }
    for (Parameter parameter : operation.getParameters()) {
      Location in = parameter.getIn();
      if ((in != Location.QUERY && in != Location.HEADER) || parameter.getSchemaType() != SchemaType.STRING) {
        throw new IllegalStateException("Only string query and header parameters are supported; "
            + operation.getOperationId() + " declares " + in + " parameter " + parameter.getName());
      }
    }
  }

  /** A query parameter the contract declares once, sent more than once. */
  static final class RepeatedParameterException extends Exception {
    final String parameter;

    RepeatedParameterException(String parameter) {
      super(null, null, false, false);
      this.parameter = parameter;
    }

    Problem problem() {
      return new Problem(400, "Query parameter '" + parameter + "' must be given once", parameter, "single", null);
    }
  }

  /** The parameter's value as the validator must see it, or null when the request does not carry it. */
  static RequestParameter valueOf(RoutingContext rc, QueryString query, Parameter parameter)
      throws RepeatedParameterException {
    if (parameter.getIn() == Location.QUERY) {
      List<String> values = query.all(parameter.getName());
      if (values.size() > 1) {
        throw new RepeatedParameterException(parameter.getName());
      }
      return values.isEmpty() ? null : new RequestParameterImpl(Json.encode(values.get(0)));
    }
    List<String> lines = rc.request().headers().getAll(parameter.getName());
    return lines.isEmpty() ? null : new RequestParameterImpl(Json.encode(String.join(", ", lines)));
  }
}
