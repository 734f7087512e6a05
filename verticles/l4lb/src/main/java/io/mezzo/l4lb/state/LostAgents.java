package io.mezzo.l4lb.state;

import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.Task;
import io.mezzo.mesos.client.cluster.TaskEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancer's fold of cluster events: {@link ClusterState#apply} for all but AGENT_REMOVED.
 * Tasks still running or killing when their agent leaves are unreachable (the master sends no update
 * of its own for them): they stay as {@link Task#UNREACHABLE}, with the agent's address, as
 * last-resort backends until a status, the agent's return or a new snapshot settles them; the agent
 * stays while it has any. Other tasks of that agent go.
 */
public final class LostAgents {
  private LostAgents() {
  }

  public static ClusterState apply(ClusterState state, TaskEvent event) {
    if (!(event instanceof TaskEvent.AgentRemoved e)) {
      return state.apply(event);
    }
    List<Task> next = new ArrayList<>();
    for (Task t : state.tasks()) {
      if (!t.agentId().equals(e.agentId())) {
        next.add(t);
      } else if (Task.RUNNING.equals(t.state()) || Task.KILLING.equals(t.state()) || Task.UNREACHABLE.equals(t.state())) {
        next.add(t.withStatus(Task.UNREACHABLE, t.healthy(), t.containerIps()));
      }
    }
    boolean keepAgent = next.stream().anyMatch(t -> t.agentId().equals(e.agentId()));
    ClusterState settled = state.withTasks(next);
    return keepAgent ? settled : settled.withoutAgent(e.agentId());
  }
}
