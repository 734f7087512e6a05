package io.mezzo.marathon.model;

/** Which running instances go first when an app scales down or an upgrade kills old instances. */
public enum KillSelection {
  YOUNGEST_FIRST, OLDEST_FIRST
}
