package dev.campaignstream.front;

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
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

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
 *
 * <p>The schema validator does its work in one method too long for HotSpot to compile by default;
 * the image's {@code JAVA_OPTS} carry {@code -XX:-DontCompileHugeMethods} so that it does not stay
 * in the interpreter ({@code ImageJvmOptionsIT}).
 *
 * <p>Coupling to vertx-openapi beyond its API, checked against the version in {@link #CHECKED_AGAINST}:
 * {@code RequestValidatorImpl.validateParameter} and {@code ValidatedRequestImpl}'s constructor
 * (implementation classes), and the proxied methods {@link #SCHEMA_VALIDATOR} and
 * {@link #CONTRACT_REPOSITORY}, looked up by signature when this class loads so that a rename fails
 * at start and in every test rather than silently skipping the override. {@code
 * ContractValidationCouplingTest} fails the build when the library's version changes, so that the
 * workarounds are looked at again.
 */
final class ContractValidation implements InputTrustHandler {

  /** The vertx-openapi version these workarounds were written and tested against. */
  static final String CHECKED_AGAINST = "5.0.7";
  static final Method SCHEMA_VALIDATOR = method(SchemaRepository.class, "validator", JsonSchema.class);
  static final Method CONTRACT_REPOSITORY = method(OpenAPIContract.class, "getSchemaRepository");

  private final RequestValidatorImpl validator;
  private final Operation operation;

  private ContractValidation(RequestValidatorImpl validator, Operation operation) {
    ParameterExtractor.requireSupported(operation);
    this.validator = validator;
    this.operation = operation;
  }

  /** Puts this validation, in place of the builder's, on every route of the contract. Before other handlers. */
  static void install(Vertx vertx, OpenAPIContract contract, RouterBuilder builder) {
    RequestValidatorImpl validator = new RequestValidatorImpl(vertx, withReusedSchemaValidators(contract));
    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoValidation(false).addHandler(new ContractValidation(validator, route.getOperation()));
    }
  }

  /**
   * The contract as the validator sees it, except that its schema repository makes the validator
   * of each parameter's schema once. vertx-openapi asks the repository for a new one for every
   * parameter of every request, and each copies the repository's whole schema map: a fifth of
   * the service's CPU while 600 streams a second were being opened. A schema validator holds
   * only final fields, so one can serve every request.
   */
  static OpenAPIContract withReusedSchemaValidators(OpenAPIContract contract) {
    SchemaRepository repository = contract.getSchemaRepository();
    Map<JsonSchema, Validator> validators = new ConcurrentHashMap<>();
    SchemaRepository reusing = delegate(SchemaRepository.class, repository, (method, args) ->
        method.equals(SCHEMA_VALIDATOR) && args[0] instanceof JsonSchema schema
            ? validators.computeIfAbsent(schema, repository::validator) : null);
    return delegate(OpenAPIContract.class, contract, (method, args) ->
        method.equals(CONTRACT_REPOSITORY) ? reusing : null);
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("vertx-openapi no longer has " + type.getSimpleName() + "." + name
          + ", which ContractValidation's workaround overrides (checked against " + CHECKED_AGAINST + ")", e);
    }
  }

  /** {@code target} behind {@code type}, except for the calls {@code override} answers (non-null). */
  private static <T> T delegate(Class<T> type, T target, BiFunction<Method, Object[], Object> override) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object[] arguments = args == null ? new Object[0] : args;
      Object answer = override.apply(method, arguments);
      if (answer != null) {
        return answer;
      }
      try {
        return method.invoke(target, arguments);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  @Override
  public void handle(RoutingContext rc) {
    Map<String, RequestParameter> query = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    try {
      QueryString sent = QueryString.parse(rc.request().query());
      for (Parameter parameter : operation.getParameters()) {
        RequestParameter valid = validator.validateParameter(parameter, ParameterExtractor.valueOf(rc, sent, parameter));
        (parameter.getIn() == Location.QUERY ? query : headers).put(parameter.getName(), valid);
      }
    } catch (ValidatorException e) {
      rc.fail(new HttpException(400, e.getMessage(), e));
      return;
    } catch (QueryString.MalformedQueryException e) {
      // Answered here, not through the router's 400 handler: that one knows only the validator's failures.
      e.problem().send(rc.response());
      return;
    } catch (ParameterExtractor.RepeatedParameterException e) {
      e.problem().send(rc.response());
      return;
    }
    rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, new ValidatedRequestImpl(Map.of(), headers, Map.of(), query));
    rc.next();
  }
}
