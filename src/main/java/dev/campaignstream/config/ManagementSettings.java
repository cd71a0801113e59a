package dev.campaignstream.config;

/**
 * Where the operators' endpoints ({@code /metrics}, {@code /health/*}) are served.
 *
 * @param port the management port (0 picks a free one), or -1: on {@code http.port} beside the API
 */
public record ManagementSettings(int port) {

  static ManagementSettings of(String port) {
    return new ManagementSettings(port.isBlank() ? -1 : Integer.parseInt(port.trim()));
  }

  /** Whether the operators' endpoints have a port of their own. */
  public boolean separate() {
    return port >= 0;
  }
}
