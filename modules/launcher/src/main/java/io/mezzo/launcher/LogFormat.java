package io.mezzo.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** One line per log record: time, level, logger's simple name, message; a stack trace only at FINE. */
public final class LogFormat extends Formatter {
  private static final boolean TRACES = Boolean.getBoolean("mezzo.log.traces");

  @Override
  public String format(LogRecord record) {
    String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
    String name = logger.substring(logger.lastIndexOf('.') + 1);
    StringBuilder line = new StringBuilder(128)
        .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
        .append(record.getLevel().getName()).append(' ')
        .append(name).append(": ")
        .append(formatMessage(record));
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      if (TRACES) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        line.append('\n').append(trace);
      } else {
        line.append(": ").append(thrown);
      }
    }
    return line.append('\n').toString();
  }
}
