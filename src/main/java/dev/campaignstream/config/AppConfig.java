package dev.campaignstream.config;

/**
 * The whole configuration, read once at start-up and handed to the verticles.
 *
 * @param demo when true, OpenAI is replaced by the built-in simulator and no key is needed
 */
public record AppConfig(
    HttpSettings http,
    OpenAiSettings openai,
    StreamSettings stream,
    int httpInstances,
    int workerInstances,
    boolean demo) {

  public AppConfig withOpenAi(OpenAiSettings settings) {
    return new AppConfig(http, settings, stream, httpInstances, workerInstances, demo);
  }

  public AppConfig withHttp(HttpSettings settings) {
    return new AppConfig(settings, openai, stream, httpInstances, workerInstances, demo);
  }

  public AppConfig withDemo() {
    return new AppConfig(http, openai, stream, httpInstances, workerInstances, true);
  }

  public AppConfig withStream(StreamSettings settings) {
    return new AppConfig(http, openai, settings, httpInstances, workerInstances, demo);
  }
}
