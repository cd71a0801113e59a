package dev.campaignstream.front.edge;

import dev.campaignstream.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS from the PEM files the configuration names, re-read when either changes: Vert.x then
 * serves the new certificate to new connections, and open ones (streams included) keep theirs.
 */
public final class TlsFiles {

  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  private final Vertx vertx;
  private final HttpSettings settings;
  private String seen;

  public TlsFiles(Vertx vertx, HttpSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** The options with TLS on, HTTP/1.1 only (no ALPN, so no HTTP/2), when the settings name files. */
  public HttpServerOptions apply(HttpServerOptions options) {
    return settings.tls() ? options.setSsl(true).setUseAlpn(false).setKeyCertOptions(pem()) : options;
  }

  /** Starts checking the files for changes on behalf of the server. */
  public void watch(HttpServer server) {
    if (!settings.tls()) {
      return;
    }
    stamp().onSuccess(first -> {
      seen = first;
      vertx.setPeriodic(settings.tlsReloadCheckMs(), tick -> stamp().onSuccess(now -> {
        if (!now.equals(seen)) {
          seen = now;
          server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem()), true)
              .onSuccess(updated -> LOG.info("Serving the certificate in {} to new connections", settings.tlsCertFile()))
              .onFailure(failed -> LOG.warn("Cannot load the new certificate in {}, keeping the old one: {}",
                  settings.tlsCertFile(), failed.getMessage()));
        }
      }));
    });
  }

  private PemKeyCertOptions pem() {
    return new PemKeyCertOptions().setCertPath(settings.tlsCertFile()).setKeyPath(settings.tlsKeyFile());
  }

  /** What changes when a file is replaced: its modification time and size, both files. */
  private Future<String> stamp() {
    return Future.all(vertx.fileSystem().props(settings.tlsCertFile()), vertx.fileSystem().props(settings.tlsKeyFile()))
        .map(both -> both.list().stream()
            .map(props -> ((io.vertx.core.file.FileProps) props).lastModifiedTime() + "/"
                + ((io.vertx.core.file.FileProps) props).size())
            .reduce("", String::concat))
        .onFailure(failed -> LOG.warn("Cannot read the TLS files: {}", failed.getMessage()));
  }
}
