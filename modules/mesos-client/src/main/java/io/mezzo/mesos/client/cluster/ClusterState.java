package io.mezzo.mesos.client.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster as a Mesos master reports it: an immutable value, replaced as a whole on every change.
 * Built from a {@code /master/state} document ({@link StateJson}) or from the operator API's
 * {@code GET_STATE} ({@link OperatorState}), then kept current with {@link #apply(TaskEvent)}.
 *
 * @param masters every known master; empty when only the leader (or nothing) is known
 * @param leader  the leading master, or null while there is none or it is not known
 */
public record ClusterState(List<Master> masters, Master leader, List<Agent> agents, List<Framework> frameworks,
                           List<Task> tasks) {

  public static final ClusterState EMPTY = new ClusterState(List.of(), null, List.of(), List.of(), List.of());

  public ClusterState {
    masters = List.copyOf(masters);
    agents = List.copyOf(agents);
    frameworks = List.copyOf(frameworks);
    tasks = List.copyOf(tasks);
  }

  public Optional<Agent> agent(String id) {
    return agents.stream().filter(a -> a.id().equals(id)).findFirst();
  }

  public Optional<Framework> framework(String id) {
    return frameworks.stream().filter(f -> f.id().equals(id)).findFirst();
  }

  /** The same state with another master list (e.g. the configured masters, since the state names only the leader). */
  public ClusterState withMasters(List<Master> list) {
    return new ClusterState(list, leader, agents, frameworks, tasks);
  }

  /** The same state with other tasks (and the same masters, agents and frameworks). */
  public ClusterState withTasks(List<Task> list) {
    return new ClusterState(masters, leader, agents, frameworks, list);
  }

  /**
   * The state after one event, taken as it says: a removed agent goes (its tasks stay until their own
   * updates come), a removed framework goes with its tasks. Events about unknown tasks leave it unchanged.
   */
  public ClusterState apply(TaskEvent event) {
    if (event instanceof TaskEvent.TaskAdded e) {
      List<Task> next = new ArrayList<>(tasks.stream().filter(t -> !sameTask(t, e.task().frameworkId(),
          e.task().id())).toList());
      next.add(e.task());
      return withTasks(next);
    }
    if (event instanceof TaskEvent.TaskUpdated e) {
      return withTasks(tasks.stream().map(t -> sameTask(t, e.frameworkId(), e.taskId())
          ? t.withStatus(e.state(), e.healthy(), e.containerIps() == null ? t.containerIps() : e.containerIps())
          : t).toList());
    }
    if (event instanceof TaskEvent.FrameworkAdded e) {
      List<Framework> next = new ArrayList<>(frameworks.stream()
          .filter(f -> !f.id().equals(e.framework().id())).toList());
      next.add(e.framework());
      return new ClusterState(masters, leader, agents, next, tasks);
    }
    if (event instanceof TaskEvent.FrameworkRemoved e) {
      return new ClusterState(masters, leader, agents,
          frameworks.stream().filter(f -> !f.id().equals(e.frameworkId())).toList(),
          tasks.stream().filter(t -> !t.frameworkId().equals(e.frameworkId())).toList());
    }
    if (event instanceof TaskEvent.AgentAdded e) {
      List<Agent> next = new ArrayList<>(agents.stream().filter(a -> !a.id().equals(e.agent().id())).toList());
      next.add(e.agent());
      return new ClusterState(masters, leader, next, frameworks, tasks);
    }
    if (event instanceof TaskEvent.AgentRemoved e) {
      return withoutAgent(e.agentId());
    }
    if (event instanceof TaskEvent.LeaderChanged e) {
      return new ClusterState(masters, e.leader(), agents, frameworks, tasks);
    }
    throw new IllegalArgumentException("Unknown event " + event);
  }

  /** The same state without the given agent (its tasks are left as they are). */
  public ClusterState withoutAgent(String agentId) {
    return new ClusterState(masters, leader, agents.stream().filter(a -> !a.id().equals(agentId)).toList(),
        frameworks, tasks);
  }

  private static boolean sameTask(Task t, String frameworkId, String taskId) {
    return t.id().equals(taskId) && t.frameworkId().equals(frameworkId);
  }
}
