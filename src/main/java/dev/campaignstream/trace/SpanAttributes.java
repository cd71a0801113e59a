package dev.campaignstream.trace;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every attribute the service puts on a span: OpenTelemetry's semantic conventions where they name
 * the thing (GenAI, HTTP, server), {@code campaign.*} for what only this service knows. The README's
 * Traces section lists them.
 */
final class SpanAttributes {

  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("campaign.request_id");
  static final AttributeKey<String> CALLER_KEY = AttributeKey.stringKey("campaign.caller_key");
  static final AttributeKey<String> CACHE = AttributeKey.stringKey("campaign.cache");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("campaign.outcome");
  static final AttributeKey<String> WORKER = AttributeKey.stringKey("campaign.worker");
  static final AttributeKey<Long> CHUNKS = AttributeKey.longKey("campaign.chunks");
  static final AttributeKey<Long> FIRST_TOKEN_MS = AttributeKey.longKey("campaign.time_to_first_token_ms");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  /** The conventions' earlier name of the provider, which many back ends still read. */
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
  static final AttributeKey<String> SYSTEM_INSTRUCTIONS = AttributeKey.stringKey("gen_ai.system_instructions");
  static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("campaign.attempts");
  /** The configured name of the upstream the (last) attempt went to. */
  static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("campaign.upstream");

  private SpanAttributes() {
  }
}
