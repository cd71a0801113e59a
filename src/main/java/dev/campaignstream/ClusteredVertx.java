package dev.campaignstream;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import dev.campaignstream.config.CacheSettings;
import dev.campaignstream.config.ClusterSettings;
import dev.campaignstream.ops.IoTransport;
import dev.campaignstream.ops.MetricsSetup;
import dev.campaignstream.trace.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A Vert.x instance on the clustered event bus, with Hazelcast as the cluster manager. The
 * Hazelcast configuration is the template in {@code conf/hazelcast.xml}, filled in from the
 * service's configuration.
 */
public final class ClusteredVertx {

  private ClusteredVertx() {
  }

  /** On epoll, with Vert.x's default count of event loops. */
  public static Future<Vertx> start(ClusterSettings settings, CacheSettings cache, Tracing tracing) {
    return start(settings, cache, IoTransport.EPOLL, MetricsSetup.options(), tracing);
  }

  /** On {@code transport}, with {@code eventLoops} event loops (the node's, {@code AppConfig.eventLoops}). */
  public static Future<Vertx> start(ClusterSettings settings, CacheSettings cache, IoTransport transport,
      int eventLoops, Tracing tracing) {
    return start(settings, cache, transport, MetricsSetup.options(eventLoops), tracing);
  }

  private static Future<Vertx> start(ClusterSettings settings, CacheSettings cache, IoTransport transport,
      VertxOptions base, Tracing tracing) {
    VertxOptions options = base.setEventBusOptions(new EventBusOptions()
        .setHost(settings.host())
        .setPort(settings.eventBusPort())
        .setClusterPublicHost(settings.host()));
    return tracing.install(MetricsSetup.builder(transport, options))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(settings, cache)))
        .buildClustered();
  }

  static Config hazelcastConfig(ClusterSettings settings, CacheSettings cache) {
    Properties values = new Properties();
    values.setProperty("campaign.cluster.name", settings.name());
    values.setProperty("campaign.cluster.host", settings.host());
    values.setProperty("campaign.cluster.port", Integer.toString(settings.port()));
    values.setProperty("campaign.cluster.members", settings.members());
    values.setProperty("campaign.cache.maxEntries", Integer.toString(cache.maxEntries()));
    try (InputStream template = open(settings.configPath())) {
      return new XmlConfigBuilder(template).setProperties(values).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + settings.configPath(), e);
    }
  }

  /** The file if it exists, else the copy packaged in the jar (as Vert.x resolves files). */
  private static InputStream open(String path) throws IOException {
    Path file = Path.of(path);
    if (Files.isRegularFile(file)) {
      return Files.newInputStream(file);
    }
    InputStream packaged = ClusteredVertx.class.getClassLoader().getResourceAsStream(path);
    if (packaged == null) {
      throw new IOException(path + " not found on disk nor in the jar");
    }
    return packaged;
  }
}
