package dev.campaignstream.budget;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The usage log an operator bills from: one JSON line per campaign request, in a file of its own
 * ({@code usage.logFile}), apart from the access log. Written through logback's file appender,
 * which serialises the writers of every event loop and flushes each line; its own logger, not
 * additive, so the lines never reach the console, whatever {@code LOG_LEVEL} says.
 */
public final class UsageLog {

  private static final AtomicInteger OPENED = new AtomicInteger();
  /**
   * One logger per file in a process: logback refuses a second appender on a file (several nodes in
   * one test JVM may share the default one).
   */
  private static final Map<Path, Logger> LOGGERS = new ConcurrentHashMap<>();

  private final Path file;
  private final String model;
  private final Logger logger;

  private UsageLog(Path file, String model, Logger logger) {
    this.file = file;
    this.model = model;
    this.logger = logger;
  }

  /** Opens (creating it and its directory if need be) the file the lines are appended to. */
  public static UsageLog open(Path file, String model) {
    return new UsageLog(file, model, LOGGERS.computeIfAbsent(file.toAbsolutePath().normalize(), UsageLog::logger));
  }

  private static Logger logger(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("usage");
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalStateException("Cannot open the usage log " + file + " (usage.logFile, USAGE_LOG_FILE)");
    }
    // A logger per file: two nodes in one process (tests) with files of their own keep their lines apart.
    Logger logger = context.getLogger("usage." + OPENED.incrementAndGet());
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    return logger;
  }

  /** A record for one campaign request; {@code keyName} is null with caller authentication off. */
  public UsageRecord record(String keyName, String requestId) {
    return new UsageRecord(this, keyName, requestId);
  }

  String model() {
    return model;
  }

  void write(JsonObject line) {
    logger.info(line.encode());
  }

  public Path file() {
    return file;
  }

  /**
   * The tokens each key was charged today (UTC), read back from the log: a single node's counters
   * after a restart. Blocking; lines of other days, and lines that are not this log's, are skipped.
   */
  public Map<String, Long> tokensToday(Instant now) throws IOException {
    Map<String, Long> spent = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return spent;
    }
    String today = "\"time\":\"" + LocalDate.ofInstant(now, ZoneOffset.UTC);
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.contains(today)) {
          add(spent, line);
        }
      }
    }
    return spent;
  }

  private static void add(Map<String, Long> spent, String line) {
    try {
      JsonObject record = new JsonObject(line);
      if (record.getValue("key") instanceof String key) {
        long tokens = record.getLong("prompt_tokens", 0L) + record.getLong("completion_tokens", 0L);
        spent.merge(key, tokens, Long::sum);
      }
    } catch (DecodeException | ClassCastException notARecord) {
      // A line cut by a crash mid-write: nothing to count.
    }
  }
}
