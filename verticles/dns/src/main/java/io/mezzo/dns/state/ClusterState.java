package io.mezzo.dns.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the DNS server needs to know about the cluster: an immutable value, replaced as a whole on
 * every change. Built from a {@code /master/state} document ({@link StateJson}) or from the
 * operator API's {@code GET_STATE}, then kept current with {@link #apply(TaskEvent)}.
 *
 * @param masters    every known master; {@code master<N>} names follow this order
 * @param leader     the leading master, or null while there is none
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

  /** The state after one event; events about unknown tasks or agents leave it unchanged. */
  public ClusterState apply(TaskEvent event) {
    if (event instanceof TaskEvent.TaskAdded e) {
      return new ClusterState(masters, leader, agents, frameworks, replace(tasks, e.task()));
    }
    if (event instanceof TaskEvent.TaskUpdated e) {
      List<Task> next = new ArrayList<>();
      for (Task t : tasks) {
        next.add(t.id().equals(e.taskId()) && t.frameworkId().equals(e.frameworkId())
            ? t.withStatus(e.state(), e.containerIps() == null ? t.containerIps() : e.containerIps()) : t);
      }
      return new ClusterState(masters, leader, agents, frameworks, next);
    }
    if (event instanceof TaskEvent.FrameworkAdded e) {
      List<Framework> next = new ArrayList<>(frameworks.stream().filter(f -> !f.id().equals(e.framework().id())).toList());
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
      return new ClusterState(masters, leader,
          agents.stream().filter(a -> !a.id().equals(e.agentId())).toList(), frameworks, tasks);
    }
    if (event instanceof TaskEvent.LeaderChanged e) {
      return new ClusterState(masters, e.leader(), agents, frameworks, tasks);
    }
    throw new IllegalArgumentException("Unknown event " + event);
  }

  private static List<Task> replace(List<Task> tasks, Task task) {
    List<Task> next = new ArrayList<>();
    for (Task t : tasks) {
      if (!(t.id().equals(task.id()) && t.frameworkId().equals(task.frameworkId()))) {
        next.add(t);
      }
    }
    next.add(task);
    return next;
  }
}
