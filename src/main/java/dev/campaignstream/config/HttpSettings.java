package dev.campaignstream.config;

import java.util.Arrays;
import java.util.List;

/**
 * The HTTP front.
 *
 * @param host                 address to bind
 * @param port                 port to bind (0 picks a free one)
 * @param maxConcurrentStreams streams this node serves at once; beyond it callers get 503 at once
 * @param drainTimeoutMs       on SIGTERM, how long streams in flight may go on before they are ended
 * @param requestHeadTimeoutMs a new connection that sends no whole request head within this is closed
 * @param idleTimeoutMs        a connection with no request in flight this long is closed
 * @param maxConnections       open connections per node; more are closed at once
 * @param tlsCertFile          PEM certificate chain to serve HTTPS with, empty for plain HTTP
 * @param tlsKeyFile           PEM private key of that certificate, empty for plain HTTP
 * @param tlsReloadCheckMs     how often the two files are checked for a change, which is then served
 * @param corsAllowedOrigins   origins whose pages may call the service from a browser; empty for none
 */
public record HttpSettings(String host, int port, int maxConcurrentStreams, long drainTimeoutMs,
    long requestHeadTimeoutMs, long idleTimeoutMs, int maxConnections, String tlsCertFile, String tlsKeyFile,
    long tlsReloadCheckMs, List<String> corsAllowedOrigins) {

  public HttpSettings {
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    if (tlsCertFile.isBlank() != tlsKeyFile.isBlank()) {
      throw new InvalidConfigurationException(List.of("Configuration http.tlsCertFile (HTTP_TLS_CERT_FILE)"
          + " and http.tlsKeyFile (HTTP_TLS_KEY_FILE) must be set together, or neither"));
    }
  }

  /** Whether HTTPS is served. */
  public boolean tls() {
    return !tlsCertFile.isBlank();
  }

  /** The entries of a comma-separated list of origins, trimmed, empty ones left out. */
  public static List<String> origins(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(origin -> !origin.isEmpty()).distinct().toList();
  }
}
