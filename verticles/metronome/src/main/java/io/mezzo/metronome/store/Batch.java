package io.mezzo.metronome.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes that ZooKeeper applies all or none (one multi-op). The leader collects the writes of one job per batch
 * (its new runs, the run changes of a round of status updates, its history and the deletion of finished runs), so
 * the order of those writes no longer matters: a crash leaves either all of them or none.
 *
 * <p>Build it with the {@link MetronomeStore} methods that return ops; {@link MetronomeStore#commit} writes many
 * batches in few ZooKeeper requests.
 */
public final class Batch {

  /** One write. {@code version} is the expected version for SET, DELETE and CHECK (-1: any). */
  public record Op(Kind kind, String path, byte[] data, int version) {
    public int size() {
      return path.length() + (data == null ? 0 : data.length) + 16;
    }
  }

  /** What an op does. CHECK only asserts a node's version (a deposed leader's batch then fails). */
  public enum Kind { CREATE, SET, DELETE, CHECK }

  private final List<Op> ops = new ArrayList<>();

  public Batch add(Op op) {
    ops.add(op);
    return this;
  }

  public List<Op> ops() {
    return ops;
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  /** Bytes this batch sends, roughly. */
  public int size() {
    return ops.stream().mapToInt(Op::size).sum();
  }

  /**
   * The versions after the commit, one per op in order: 0 for a create, the new version for a set, -1 for a
   * delete or check.
   */
  public record Result(List<Integer> versions) {
    public int version(int op) {
      return versions.get(op);
    }
  }
}
