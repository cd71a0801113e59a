package dev.campaignstream.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged service started as a real {@code java -jar} process, its output kept in a file. */
public final class JarProcess implements AutoCloseable {

  public final Process process;
  public final int port;
  private final Path output;

  private JarProcess(Process process, int port, Path output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts {@code java -jar <the packaged jar> args} with HTTP_PORT set to a free port, plus {@code env}. */
  public static JarProcess start(Map<String, String> env, String... args) throws IOException {
    return start(List.of("-Xmx256m"), env, args);
  }

  /** {@link #start(Map, String...)} with these JVM options instead of a small heap. */
  public static JarProcess start(List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("service.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("Run through failsafe after packaging: service.jar=" + jar);
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(jdkTool("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("campaign-stream-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().remove("OPENAI_API_KEY");
    // Tracing is on only where a test turns it on.
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    builder.environment().put("HTTP_PORT", Integer.toString(port));
    builder.environment().put("USAGE_LOG_FILE", TestService.freshUsageLog().toString());
    builder.environment().putAll(env);
    return new JarProcess(builder.start(), port, output);
  }

  /** A tool of the JDK running the tests ({@code java}, {@code jcmd}). */
  public static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
