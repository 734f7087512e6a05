package io.mezzo.common.component;

import java.util.List;
import java.util.function.Consumer;

/**
 * The view of the cluster's members (one per Mezzo process). Listeners are called on an arbitrary
 * thread; verticles hop back to their context with {@code context.runOnContext}.
 */
public interface Membership {

  /** The node ids of every member, this one included. */
  List<String> members();

  /** This process's node id. */
  String self();

  /** Registers a listener for members joining; returns a handle that removes it. */
  AutoCloseable onJoin(Consumer<String> nodeId);

  /** Registers a listener for members leaving, whether they closed or died; returns a handle that removes it. */
  AutoCloseable onLeave(Consumer<String> nodeId);
}
