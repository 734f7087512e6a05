package io.mezzo.marathon.model;

import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** What happens to instances on an unreachable agent: the string {@code "disabled"} or the two timeouts. */
@JsonDeserialize(using = JsonCodecs.UnreachableDeserializer.class)
@JsonSerialize(using = JsonCodecs.UnreachableSerializer.class)
public sealed interface UnreachableStrategy {

  UnreachableStrategy DEFAULT = new Enabled(0L, 0L);

  record Disabled() implements UnreachableStrategy {
  }

  @JsonDeserialize(using = JsonDeserializer.None.class)
  record Enabled(Long inactiveAfterSeconds, Long expungeAfterSeconds) implements UnreachableStrategy {
    public Enabled {
      inactiveAfterSeconds = inactiveAfterSeconds == null ? 0L : inactiveAfterSeconds;
      expungeAfterSeconds = expungeAfterSeconds == null ? 0L : expungeAfterSeconds;
    }
  }
}
