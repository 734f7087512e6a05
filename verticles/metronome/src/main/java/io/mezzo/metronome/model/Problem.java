package io.mezzo.metronome.model;

import java.util.List;

/**
 * Everything wrong at one place of a submitted document.
 *
 * @param path   JSON pointer into the document, such as {@code /run/mem} or {@code /run/artifacts/0/uri}; {@code /}
 *               for the document itself
 * @param errors human-readable messages, without trailing periods
 */
public record Problem(String path, List<String> errors) {

  public Problem {
    errors = List.copyOf(errors);
  }
}
