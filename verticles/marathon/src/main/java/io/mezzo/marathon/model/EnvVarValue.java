package io.mezzo.marathon.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/** An {@code env} entry: a literal string or a reference {@code {"secret":"name"}} into {@code secrets}. */
@JsonDeserialize(using = JsonCodecs.EnvDeserializer.class)
@JsonSerialize(using = JsonCodecs.EnvSerializer.class)
public sealed interface EnvVarValue {

  record Literal(String value) implements EnvVarValue {
  }

  record SecretRef(String secret) implements EnvVarValue {
  }

  static EnvVarValue of(String value) {
    return new Literal(value);
  }

  static EnvVarValue secret(String name) {
    return new SecretRef(name);
  }
}
