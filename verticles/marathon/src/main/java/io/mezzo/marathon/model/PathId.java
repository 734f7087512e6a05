package io.mezzo.marathon.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A slash separated Marathon path such as {@code /prod/web}. Instances are always canonical:
 * absolute and free of {@code ..} segments once {@link #resolve(PathId)} has run.
 */
public record PathId(List<String> segments, boolean absolute) {

  /** The id grammar of Marathon's RAML: labels of {@code [a-z0-9-]}, dots between labels, {@code ..} allowed. */
  public static final Pattern ID_PATTERN = Pattern.compile(
      "^(/?((\\.\\.)|(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9]))?($|/))+$");

  public static final PathId ROOT = new PathId(List.of(), true);

  public PathId {
    segments = List.copyOf(segments);
  }

  /** Splits {@code text} without validating it; empty segments are dropped. */
  public static PathId parse(String text) {
    List<String> parts = new ArrayList<>();
    for (String part : text.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return new PathId(parts, text.startsWith("/"));
  }

  public static boolean isValid(String text) {
    return text != null && ID_PATTERN.matcher(text).matches();
  }

  /** Resolves this id against {@code base} (used when relative) and folds {@code ..} segments. */
  public PathId resolve(PathId base) {
    List<String> out = new ArrayList<>(absolute ? List.of() : base.segments);
    for (String part : segments) {
      if (part.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
      } else if (!part.equals(".")) {
        out.add(part);
      }
    }
    return new PathId(out, true);
  }

  public static String canonical(String id, PathId base) {
    return parse(id).resolve(base).toString();
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public PathId parent() {
    return segments.isEmpty() ? this : new PathId(segments.subList(0, segments.size() - 1), absolute);
  }

  public String name() {
    return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
  }

  public PathId child(String name) {
    List<String> out = new ArrayList<>(segments);
    out.add(name);
    return new PathId(out, absolute);
  }

  /** True when this id lies strictly below {@code other}. */
  public boolean isDescendantOf(PathId other) {
    return segments.size() > other.segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  @Override
  public String toString() {
    return (absolute ? "/" : "") + String.join("/", segments);
  }
}
