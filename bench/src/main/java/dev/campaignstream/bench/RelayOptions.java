package dev.campaignstream.bench;

import java.util.Set;

/** The options both reference relays ({@code proxy}, {@code netty-relay}) take, with their defaults. */
record RelayOptions(String host, int port, int upstreamPort, int loops) {

  static RelayOptions from(Args args) {
    args.requireOnly(Set.of("host", "port", "upstream-port", "event-loops"));
    return new RelayOptions(args.text("host", "127.0.0.1"), (int) args.number("port", 18482),
        (int) args.number("upstream-port", 18481),
        (int) args.number("event-loops", Math.min(2, Runtime.getRuntime().availableProcessors())));
  }

  /** Says the relay listens (the scripts wait for its READY line), then serves until killed. */
  int serveUntilKilled(String description) throws InterruptedException {
    System.out.println(description);
    System.out.println("READY " + port);
    System.out.flush();
    Thread.currentThread().join();
    return 0;
  }
}
