package dev.campaignstream.http;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands query parameters to the contract's validator so that every string arrives intact.
 *
 * <p>vertx-openapi 5.0.7 mangles string query values on their way to validation: it URL-decodes
 * them a second time (so {@code 100%} fails and {@code %2B} becomes a space) and then decodes
 * them as JSON (so {@code true}, {@code null}, {@code 123} or {@code 1e5} fail as the wrong type,
 * and {@code "x"} loses its quotes). Here each value is taken once-decoded from Vert.x and
 * passed as a JSON string literal, which its JSON decoding turns back into exactly the string
 * the caller sent. The contract's schema (length in code points, pattern) still decides.
 *
 * <p>Only query parameters exist in this contract; an operation with any other kind fails fast
 * rather than being validated half-way.
 */
final class QueryExtractor implements RequestExtractor {

  @Override
  public Future<ValidatableRequest> extractValidatableRequest(RoutingContext rc, Operation operation) {
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter parameter : operation.getParameters()) {
      if (parameter.getIn() != Location.QUERY || parameter.getSchemaType() != SchemaType.STRING) {
        return Future.failedFuture(new IllegalStateException(
            "Only string query parameters are supported; " + operation.getOperationId() + " declares "
                + parameter.getIn() + " parameter " + parameter.getName()));
      }
      String value = rc.request().getParam(parameter.getName());
      if (value != null) {
        query.put(parameter.getName(), new RequestParameterImpl(Json.encode(value)));
      }
    }
    return Future.succeededFuture(new ValidatableRequestImpl(Map.of(), Map.of(), Map.of(), query));
  }
}
