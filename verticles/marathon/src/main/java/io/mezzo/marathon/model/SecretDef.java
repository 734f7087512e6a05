package io.mezzo.marathon.model;

/** An entry of {@code secrets}: where the secret store keeps the value. */
public record SecretDef(String source) {
}
