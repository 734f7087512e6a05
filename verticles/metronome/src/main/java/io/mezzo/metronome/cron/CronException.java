package io.mezzo.metronome.cron;

/**
 * A cron expression that cannot be parsed. The message names the expression and the offending part,
 * for example {@code Invalid cron '61 * * * *': minute 61 is outside 0-59}, and is safe to show to users.
 */
public final class CronException extends IllegalArgumentException {

  private final String expression;

  CronException(String expression, String problem) {
    super("Invalid cron '" + expression + "': " + problem);
    this.expression = expression;
  }

  /** The expression as the user wrote it. */
  public String expression() {
    return expression;
  }
}
