package io.mezzo.common.component;

import io.mezzo.common.config.ConfigSection;

/** The keys every component section has: whether it runs and where its HTTP API listens. */
public interface ComponentConfig extends ConfigSection {

  /** False keeps {@code mezzo up} from starting the component. */
  boolean enabled();

  /** HTTP port of the component's API; 0 picks a free one. */
  int port();
}
