package io.mezzo.metronome.schedule;

/** Metronome's run states: INITIAL, STARTING and ACTIVE are live; SUCCESS and FAILED are final. */
public enum RunStatus {
  /** Created, waiting for an offer (or for its restart backoff to pass). */
  INITIAL,
  /** Task launched, not yet reported running. */
  STARTING,
  /** Task running. */
  ACTIVE,
  SUCCESS,
  FAILED;

  public boolean isFinal() {
    return this == SUCCESS || this == FAILED;
  }
}
