package io.mezzo.l4lb.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the load balancer needs to know about the cluster: an immutable value, replaced as a whole on
 * every change. Built from a {@code /master/state} document ({@link StateJson}), then kept current
 * with {@link #apply(TaskEvent)}.
 */
public record ClusterState(List<Agent> agents, List<Framework> frameworks, List<Task> tasks) {

  public static final ClusterState EMPTY = new ClusterState(List.of(), List.of(), List.of());

  public ClusterState {
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

  /** The state after one event; updates of unknown tasks leave it unchanged. */
  public ClusterState apply(TaskEvent event) {
    if (event instanceof TaskEvent.TaskAdded e) {
      List<Task> next = new ArrayList<>(tasks.stream().filter(t -> !sameTask(t, e.task().frameworkId(),
          e.task().id())).toList());
      next.add(e.task());
      return new ClusterState(agents, frameworks, next);
    }
    if (event instanceof TaskEvent.TaskUpdated e) {
      List<Task> next = tasks.stream().map(t -> sameTask(t, e.frameworkId(), e.taskId())
          ? t.withStatus(e.state(), e.healthy(), e.containerIps() == null ? t.containerIps() : e.containerIps())
          : t).toList();
      return new ClusterState(agents, frameworks, next);
    }
    if (event instanceof TaskEvent.FrameworkAdded e) {
      List<Framework> next = new ArrayList<>(frameworks.stream()
          .filter(f -> !f.id().equals(e.framework().id())).toList());
      next.add(e.framework());
      return new ClusterState(agents, next, tasks);
    }
    if (event instanceof TaskEvent.FrameworkRemoved e) {
      return new ClusterState(agents, frameworks.stream().filter(f -> !f.id().equals(e.frameworkId())).toList(),
          tasks.stream().filter(t -> !t.frameworkId().equals(e.frameworkId())).toList());
    }
    if (event instanceof TaskEvent.AgentAdded e) {
      List<Agent> next = new ArrayList<>(agents.stream().filter(a -> !a.id().equals(e.agent().id())).toList());
      next.add(e.agent());
      return new ClusterState(next, frameworks, tasks);
    }
    if (event instanceof TaskEvent.AgentRemoved e) {
      // Tasks still running or killing when their agent leaves are unreachable (the master sends no
      // update of its own for them): they stay, with the agent's address, as last-resort backends
      // until a status, the agent's return or a new snapshot settles them. Other tasks go.
      List<Task> next = new ArrayList<>();
      for (Task t : tasks) {
        if (!t.agentId().equals(e.agentId())) {
          next.add(t);
        } else if (Task.RUNNING.equals(t.state()) || Task.KILLING.equals(t.state()) || Task.UNREACHABLE.equals(t.state())) {
          next.add(t.withStatus(Task.UNREACHABLE, t.healthy(), t.containerIps()));
        }
      }
      boolean keepAgent = next.stream().anyMatch(t -> t.agentId().equals(e.agentId()));
      return new ClusterState(keepAgent ? agents : agents.stream().filter(a -> !a.id().equals(e.agentId())).toList(),
          frameworks, next);
    }
    throw new IllegalArgumentException("Unknown event " + event);
  }

  private static boolean sameTask(Task t, String frameworkId, String taskId) {
    return t.id().equals(taskId) && t.frameworkId().equals(frameworkId);
  }
}
