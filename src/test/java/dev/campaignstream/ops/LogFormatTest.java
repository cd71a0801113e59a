package dev.campaignstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The production logback.xml, as it writes lines: a caller's text cannot put control characters
 * or terminal escapes into the text log, and a JSON line's message is the formatted text.
 */
class LogFormatTest {

  private static final String HOSTILE = "\u001b[2J\u001b[31mred\r\n12:00:00.000 ERROR forged\u2028\u202Eevil\u0085";

  @Test
  void theTextLogEscapesControlCharactersAndTerminalEscapes() throws Exception {
    String line = encode("TEXT", event());
    assertThat(line).endsWith("\n").doesNotContain("\u001b", "\r", "\u2028", "\u202E", "\u0085");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    assertThat(line).contains("brand \\x1b[2J\\x1b[31mred\\x0d\\x0a12:00:00.000 ERROR forged\\u2028\\u202eevil\\x85 "
        + "field=\\x1b[31m");
  }

  @Test
  void aJsonLineCarriesTheFormattedMessage() throws Exception {
    JsonObject line = new JsonObject(encode("JSON", event()).trim());
    assertThat(line.getString("message")).isEqualTo("brand " + HOSTILE);
    assertThat(line.containsKey("arguments")).isFalse();
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getJsonArray("kvpList").getJsonObject(0).getString("field")).isEqualTo("\u001b[31m");
  }

  private static ILoggingEvent event() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("access"), Level.INFO,
        "brand {}", null, new Object[] {HOSTILE});
    event.addKeyValuePair(new KeyValuePair("field", "\u001b[31m"));
    return event;
  }

  /** The event as the production configuration's appender for {@code format} writes it. */
  private static String encode(String format, ILoggingEvent event) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.putProperty("LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    try {
      OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>)
          context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(format);
      return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    } finally {
      context.stop();
    }
  }
}
