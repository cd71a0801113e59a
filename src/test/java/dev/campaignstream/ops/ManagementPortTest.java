package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.campaignstream.support.Caller;
import dev.campaignstream.support.CallerResponse;
import dev.campaignstream.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code MANAGEMENT_PORT}, {@code /metrics} and {@code /health/*} are served there, and the
 * public port answers them {@code 404} like any unknown path while it serves the API and its docs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ManagementPortTest {

  private final Vertx vertx = MetricsSetup.vertx();

  @AfterEach
  void stop(VertxTestContext testContext) {
    vertx.close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void theOperatorsEndpointsMoveToTheirOwnPort(VertxTestContext testContext) {
    List<String> operators = List.of("/metrics", "/health/live", "/health/ready");
    TestService.start(vertx, json -> json.put("management", new JsonObject().put("port", "0"))).compose(app -> {
      Caller management = new Caller(vertx, app.service.managementPort());
      List<Future<CallerResponse>> answers = new java.util.ArrayList<>();
      operators.forEach(path -> answers.add(management.get(path, null)));
      operators.forEach(path -> answers.add(app.caller.get(path, null)));
      answers.add(app.caller.get("/echo?input_value=hi", null));
      answers.add(app.caller.get("/openapi.json", null));
      answers.add(management.get("/echo?input_value=hi", null));
      return Future.all(answers).map(all -> all.<CallerResponse>list());
    }).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertThat(all.subList(0, 3)).extracting(seen -> seen.status).containsOnly(200);
      assertThat(all.get(0).body()).contains("campaign_streams_active");
      assertThat(all.subList(3, 6)).extracting(seen -> seen.status).containsOnly(404);
      assertThat(all.get(3).header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(all.get(3).json().getString("detail")).isEqualTo("No resource at /metrics");
      assertThat(all.get(6).status).isEqualTo(200);
      assertThat(all.get(7).status).isEqualTo(200);
      assertThat(all.get(8).status).as("the management port serves no API").isEqualTo(404);
      testContext.completeNow();
    })));
  }

  @Test
  void withoutItTheyStayBesideTheApi(VertxTestContext testContext) {
    TestService.start(vertx).compose(app -> {
      assertThat(app.service.managementPort()).isEqualTo(-1);
      return app.caller.get("/health/ready", null);
    }).onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
      assertThat(ready.status).isEqualTo(200);
      testContext.completeNow();
    })));
  }
}
