package dev.campaignstream.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * Validates a request against its operation in the contract, on the event loop.
 *
 * <p>The router builder's own validation hands every request to the worker pool and back
 * ({@code executeBlocking} in vertx-openapi 5.0.7, ordered per verticle), which is there for large
 * bodies. This contract has none, only short string parameters: the same validator, called here
 * directly, checks them in microseconds, and a stream's first byte no longer waits for two thread
 * hops under load. The outcome is the same as the builder's: the validated request under
 * {@link RouterBuilder#KEY_META_DATA_VALIDATED_REQUEST}, or a 400 failure carrying the
 * {@link ValidatorException}.
 */
final class ContractValidation implements InputTrustHandler {

  private final RequestValidatorImpl validator;
  private final Operation operation;

  private ContractValidation(RequestValidatorImpl validator, Operation operation) {
    ParameterExtractor.requireSupported(operation);
    this.validator = validator;
    this.operation = operation;
  }

  /** Puts this validation, in place of the builder's, on every route of the contract. Before other handlers. */
  static void install(Vertx vertx, OpenAPIContract contract, RouterBuilder builder) {
    RequestValidatorImpl validator = new RequestValidatorImpl(vertx, contract);
    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoValidation(false).addHandler(new ContractValidation(validator, route.getOperation()));
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    Map<String, RequestParameter> query = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    try {
      for (Parameter parameter : operation.getParameters()) {
        RequestParameter valid = validator.validateParameter(parameter, ParameterExtractor.valueOf(rc, parameter));
        (parameter.getIn() == Location.QUERY ? query : headers).put(parameter.getName(), valid);
      }
    } catch (ValidatorException e) {
      rc.fail(new HttpException(400, e.getMessage(), e));
      return;
    }
    rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, new ValidatedRequestImpl(Map.of(), headers, Map.of(), query));
    rc.next();
  }
}
