package io.mezzo.launcher;

import java.io.PrintStream;

/**
 * What the launcher says to people. stdout has one line per component with its URL and then the
 * {@code ready} line; problems go to stderr as one {@code mezzo: ...} line. Logs also go to stderr.
 */
final class Console {
  private final PrintStream out;
  private final PrintStream err;

  Console(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  void endpoint(String name, String url) {
    out.printf("%-14s %s%n", name, url);
    out.flush();
  }

  void ready(String text) {
    out.println("ready " + text);
    out.flush();
  }

  void info(String text) {
    out.println(text);
    out.flush();
  }

  void problem(String text) {
    err.println("mezzo: " + text);
    err.flush();
  }
}
