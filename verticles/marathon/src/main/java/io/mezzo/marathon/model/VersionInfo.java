package io.mezzo.marathon.model;

/** Read-only timestamps: the last change of anything and the last change other than scaling. */
public record VersionInfo(String lastScalingAt, String lastConfigChangeAt) {
}
