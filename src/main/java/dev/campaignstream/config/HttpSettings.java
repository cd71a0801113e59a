package dev.campaignstream.config;

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
 */
public record HttpSettings(String host, int port, int maxConcurrentStreams, long drainTimeoutMs,
    long requestHeadTimeoutMs, long idleTimeoutMs, int maxConnections, String tlsCertFile, String tlsKeyFile,
    long tlsReloadCheckMs) {

  public HttpSettings {
    if (tlsCertFile.isBlank() != tlsKeyFile.isBlank()) {
      throw new InvalidConfigurationException(java.util.List.of("Configuration http.tlsCertFile (HTTP_TLS_CERT_FILE)"
          + " and http.tlsKeyFile (HTTP_TLS_KEY_FILE) must be set together, or neither"));
    }
  }

  /** Whether HTTPS is served. */
  public boolean tls() {
    return !tlsCertFile.isBlank();
  }
}
