package dev.campaignstream.front;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ContractValidation} works around vertx-openapi from outside its API: each workaround is
 * checked here, and an upgrade of the library fails the build until they are looked at again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class ContractValidationCouplingTest {

  @Test
  void theLibraryIsTheVersionTheWorkaroundsWereCheckedAgainst() throws Exception {
    Properties pom = new Properties();
    try (InputStream in = OpenAPIContract.class.getResourceAsStream("/META-INF/maven/io.vertx/vertx-openapi/pom.properties")) {
      assertThat(in).as("vertx-openapi's pom.properties").isNotNull();
      pom.load(in);
    }
    assertThat(pom.getProperty("version"))
        .as("vertx-openapi changed: check ContractValidation's workarounds, then update CHECKED_AGAINST")
        .isEqualTo(ContractValidation.CHECKED_AGAINST);
  }

  @Test
  void theProxiedMethodsAreFoundBySignature() {
    assertThat(ContractValidation.SCHEMA_VALIDATOR.getDeclaringClass()).isEqualTo(SchemaRepository.class);
    assertThat(ContractValidation.CONTRACT_REPOSITORY.getReturnType()).isEqualTo(SchemaRepository.class);
  }

  @Test
  void eachParametersSchemaValidatorIsMadeOnce(Vertx vertx, VertxTestContext testContext) {
    OpenAPIContract.from(vertx, ApiContract.load().forRouter()).onComplete(testContext.succeeding(contract ->
        testContext.verify(() -> {
          OpenAPIContract reusing = ContractValidation.withReusedSchemaValidators(contract);
          Operation campaign = contract.operation("campaign");
          Parameter prompt = campaign.getParameters().stream()
              .filter(parameter -> parameter.getName().equals("prompt")).findFirst().orElseThrow();
          JsonSchema schema = prompt.getSchema();
          SchemaRepository repository = reusing.getSchemaRepository();
          assertThat(repository.validator(schema)).isSameAs(repository.validator(schema));
          // Without the workaround, the library makes a new one per call.
          assertThat(contract.getSchemaRepository().validator(schema))
              .isNotSameAs(contract.getSchemaRepository().validator(schema));
          testContext.completeNow();
        })));
  }

  @Test
  void theBuildersOwnValidationIsOffOnEveryRoute(Vertx vertx, VertxTestContext testContext) {
    OpenAPIContract.from(vertx, ApiContract.load().forRouter()).onComplete(testContext.succeeding(contract ->
        testContext.verify(() -> {
          RouterBuilder builder = RouterBuilder.create(vertx, contract);
          ContractValidation.install(vertx, contract, builder);
          assertThat(builder.getRoutes()).isNotEmpty().allSatisfy(route -> {
            assertThat(route.doValidation()).as(route.getOperation().getOperationId()).isFalse();
            assertThat(route.getHandlers()).anyMatch(ContractValidation.class::isInstance);
          });
          testContext.completeNow();
        })));
  }
}
