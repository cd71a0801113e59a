package dev.campaignstream.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code load --service-metrics URL}: the service's own view of the time to first token over the
 * measured window, from its Prometheus histogram {@code campaign_time_to_first_token_seconds}, read
 * at the window's start and end. It splits the time a caller waits: {@code upstream} runs from the
 * worker taking the stream to OpenAI's first piece of text, {@code caller} from the request reaching
 * the HTTP verticle to that piece being written to the caller.
 */
final class ServiceFirstToken {

  private static final Pattern BUCKET = Pattern.compile(
      "^campaign_time_to_first_token_seconds_bucket\\{(.*)} ([0-9.eE+-]+)$");
  private static final Pattern SEEN_BY = Pattern.compile("seen_by=\"([^\"]+)\"");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** Cumulative bucket counts per {@code seen_by}, by upper bound in seconds. */
  private final Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();

  private ServiceFirstToken() {
  }

  /**
   * A client for the service's {@code /metrics}. Made, and used once, before the load starts: the
   * JDK client's first request initialises its TLS defaults and loads its classes, hundreds of ms of
   * CPU that, inside the window, stalled this process's event loops.
   */
  static HttpClient primedClient(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    scrape(client, url);
    return client;
  }

  static ServiceFirstToken scrape(HttpClient client, String url) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode());
    }
    ServiceFirstToken snapshot = new ServiceFirstToken();
    response.body().lines().forEach(snapshot::read);
    return snapshot;
  }

  private void read(String line) {
    Matcher bucket = BUCKET.matcher(line);
    if (!bucket.matches()) {
      return;
    }
    Matcher seenBy = SEEN_BY.matcher(bucket.group(1));
    Matcher le = LE.matcher(bucket.group(1));
    if (seenBy.find() && le.find()) {
      double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
      buckets.computeIfAbsent(seenBy.group(1), k -> new TreeMap<>()).put(bound, Double.parseDouble(bucket.group(2)));
    }
  }

  /**
   * Per {@code seen_by}: the count and the p50, p90 and p99 in ms of what was recorded between
   * {@code before} and {@code after}, interpolated linearly inside a bucket as Prometheus's
   * {@code histogram_quantile} does. Micrometer's buckets are 10 to 25 % apart, which bounds the error.
   */
  static JsonObject between(ServiceFirstToken before, ServiceFirstToken after) {
    JsonObject result = new JsonObject();
    after.buckets.forEach((seenBy, cumulative) -> {
      TreeMap<Double, Double> earlier = before.buckets.getOrDefault(seenBy, new TreeMap<>());
      TreeMap<Double, Double> window = new TreeMap<>();
      cumulative.forEach((bound, count) -> window.put(bound, count - earlier.getOrDefault(bound, 0.0)));
      double total = window.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
      JsonObject figures = new JsonObject().put("count", (long) total);
      if (total > 0) {
        figures.put("p50", quantile(window, total, 0.50))
            .put("p90", quantile(window, total, 0.90))
            .put("p99", quantile(window, total, 0.99));
      }
      result.put(seenBy, figures);
    });
    return result;
  }

  private static double quantile(TreeMap<Double, Double> window, double total, double q) {
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : window.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return LoadGenerator.round(lowerBound * 1000, 2);
        }
        double inBucket = bucket.getValue() - lowerCount;
        double fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
        return LoadGenerator.round((lowerBound + (bucket.getKey() - lowerBound) * fraction) * 1000, 2);
      }
      lowerBound = bucket.getKey();
      lowerCount = bucket.getValue();
    }
    return LoadGenerator.round(lowerBound * 1000, 2);
  }
}
