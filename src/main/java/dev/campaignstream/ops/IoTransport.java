package dev.campaignstream.ops;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Netty moves bytes with ({@code IO_TRANSPORT}): Linux's epoll (the default), io_uring, or
 * the JDK's NIO. One asked for that this machine cannot run (another OS, a kernel or a sandbox that
 * refuses io_uring) gives way to the next that it can, epoll then NIO, with a warning that says why.
 */
public enum IoTransport {
  EPOLL("epoll", Transport.EPOLL),
  IO_URING("io_uring", Transport.IO_URING),
  NIO("nio", Transport.NIO);

  private static final Logger LOG = LoggerFactory.getLogger(IoTransport.class);

  private final String setting;
  private final Transport transport;

  IoTransport(String setting, Transport transport) {
    this.setting = setting;
    this.transport = transport;
  }

  /** As the setting names it; the setting's rule has already refused any other name. */
  public static IoTransport named(String setting) {
    for (IoTransport candidate : values()) {
      if (candidate.setting.equals(setting)) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("no I/O transport named " + setting);
  }

  /** The transport {@code vertx} runs on, as the setting names it. */
  public static String running(Vertx vertx) {
    Class<?> running = ((VertxInternal) vertx).transport().getClass();
    for (IoTransport candidate : values()) {
      if (candidate.transport != null && candidate.transport.available()
          && candidate.transport.implementation().getClass() == running) {
        return candidate.setting;
      }
    }
    return running.getSimpleName();
  }

  /** This one where it runs here, else the first of epoll and NIO that does. */
  Transport resolve() {
    for (IoTransport candidate : List.of(this, EPOLL, NIO)) {
      if (candidate.transport != null && candidate.transport.available()) {
        if (candidate != this) {
          Throwable why = transport == null ? null : transport.unavailabilityCause();
          LOG.warn("IO_TRANSPORT={} cannot run here ({}); using {}", setting,
              why == null ? "not on this platform" : why.toString(), candidate.setting);
        }
        return candidate.transport;
      }
    }
    return Transport.NIO;
  }
}
