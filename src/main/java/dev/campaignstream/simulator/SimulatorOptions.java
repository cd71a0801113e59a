package dev.campaignstream.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the simulator listens and how it answers by default.
 *
 * @param host             interface to bind, e.g. 127.0.0.1
 * @param port             0 = ephemeral (read the real one from {@link OpenAiSimulator#port()})
 * @param defaultBehaviour used whenever the behaviour queue is empty
 * @param requireAuth      when true, requests without {@code Authorization: Bearer …} get a 401 like OpenAI's
 */
public record SimulatorOptions(String host, int port, Behaviour defaultBehaviour, boolean requireAuth) {

  public SimulatorOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(defaultBehaviour, "defaultBehaviour");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Demo mode: no API key needed, and paced like a real model, so the demo looks like one. */
  public static SimulatorOptions demo() {
    Behaviour paced = Behaviour.stream()
        .withFirstTokenDelay(Duration.ofMillis(350), Duration.ofMillis(450))
        .withChunkInterval(Duration.ofMillis(15), Duration.ofMillis(35));
    return new SimulatorOptions("127.0.0.1", 0, paced, false);
  }

  /** Tests: loopback, an ephemeral port, fast, and a Bearer header (any value) required. */
  public static SimulatorOptions forTests() {
    Behaviour fast = Behaviour.stream()
        .withFirstTokenDelay(Duration.ZERO, Duration.ofMillis(5))
        .withChunkInterval(Duration.ZERO, Duration.ofMillis(2));
    return new SimulatorOptions("127.0.0.1", 0, fast, true);
  }

  public SimulatorOptions withDefaultBehaviour(Behaviour behaviour) {
    return new SimulatorOptions(host, port, behaviour, requireAuth);
  }
}
