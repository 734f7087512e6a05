package io.mezzo.mesos.client.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private static final Master LEADER = new Master("m1", "10.0.0.1", "10.0.0.1", 5050);

  private static Task task(String id, String frameworkId, String agentId, List<String> ips) {
    return new Task(id, id, frameworkId, agentId, Task.RUNNING, null, ips, null, List.of(), List.of(), Map.of());
  }

  private static ClusterState state() {
    return new ClusterState(List.of(LEADER), LEADER,
        List.of(new Agent("S1", "10.0.1.1", "10.0.1.1", 5051), new Agent("S2", "10.0.1.2", "10.0.1.2", 5051)),
        List.of(new Framework("F1", "marathon", "m", null, 0), new Framework("F2", "chronos", "m", null, 0)),
        List.of(task("web", "F1", "S1", List.of("9.0.0.1")), task("job", "F2", "S2", List.of())));
  }

  @Test
  void taskAdded_twice_keepsOneCopy_theLatest() {
    Task first = task("new", "F1", "S1", List.of("9.0.0.2"));
    Task second = task("new", "F1", "S2", List.of("9.0.0.3"));
    ClusterState s = state().apply(new TaskEvent.TaskAdded(first)).apply(new TaskEvent.TaskAdded(second));
    assertThat(s.tasks()).filteredOn(t -> t.id().equals("new")).containsExactly(second);
    assertThat(s.tasks()).hasSize(3);
  }

  @Test
  void taskAdded_sameIdInAnotherFramework_isAnotherTask() {
    ClusterState s = state().apply(new TaskEvent.TaskAdded(task("web", "F2", "S2", List.of())));
    assertThat(s.tasks()).filteredOn(t -> t.id().equals("web")).extracting(Task::frameworkId).containsExactly("F1", "F2");
  }

  @Test
  void taskUpdated_changesStateAndHealth_keepsIpsWhenTheUpdateHasNone() {
    ClusterState s = state().apply(new TaskEvent.TaskUpdated("F1", "web", "TASK_KILLING", false, null));
    Task web = s.tasks().get(0);
    assertThat(web.state()).isEqualTo(Task.KILLING);
    assertThat(web.running()).isFalse();
    assertThat(web.healthy()).isFalse();
    assertThat(web.containerIps()).containsExactly("9.0.0.1");
    assertThat(s.tasks().get(1)).isEqualTo(state().tasks().get(1));

    Task moved = s.apply(new TaskEvent.TaskUpdated("F1", "web", Task.RUNNING, true, List.of("9.0.0.9"))).tasks().get(0);
    assertThat(moved.containerIps()).containsExactly("9.0.0.9");
    assertThat(moved.healthy()).isTrue();
  }

  @Test
  void taskUpdated_unknownTask_leavesTheStateEqual() {
    assertThat(state().apply(new TaskEvent.TaskUpdated("F1", "nope", "TASK_KILLED", null, null))).isEqualTo(state());
    assertThat(state().apply(new TaskEvent.TaskUpdated("F2", "web", "TASK_KILLED", null, null))).isEqualTo(state());
  }

  @Test
  void frameworkRemoved_takesItsTasks_frameworkAddedReplacesByIdAtTheEnd() {
    ClusterState s = state().apply(new TaskEvent.FrameworkRemoved("F2"));
    assertThat(s.framework("F2")).isEmpty();
    assertThat(s.tasks()).extracting(Task::id).containsExactly("web");

    s = s.apply(new TaskEvent.FrameworkAdded(new Framework("F1", "marathon-user", "m", null, 0)));
    assertThat(s.frameworks()).extracting(Framework::name).containsExactly("marathon-user");
  }

  @Test
  void agentRemoved_dropsTheAgentOnly_agentAddedReplacesById() {
    ClusterState s = state().apply(new TaskEvent.AgentRemoved("S2"));
    assertThat(s.agents()).extracting(Agent::id).containsExactly("S1");
    assertThat(s.tasks()).extracting(Task::id).containsExactly("web", "job");

    s = s.apply(new TaskEvent.AgentAdded(new Agent("S1", "a1", "10.0.1.9", 5051)));
    assertThat(s.agent("S1").orElseThrow().ip()).isEqualTo("10.0.1.9");
    assertThat(s.agents()).hasSize(1);
  }

  @Test
  void leaderChanged_setsTheLeader_withMastersKeepsIt() {
    Master next = new Master("m2", "10.0.0.2", "10.0.0.2", 5050);
    ClusterState s = state().apply(new TaskEvent.LeaderChanged(next)).withMasters(List.of(LEADER, next));
    assertThat(s.leader()).isEqualTo(next);
    assertThat(s.masters()).containsExactly(LEADER, next);
    assertThat(s.tasks()).isEqualTo(state().tasks());
  }

  @Test
  void values_areImmutableCopies() {
    List<Task> tasks = new java.util.ArrayList<>(List.of(task("a", "F1", "S1", List.of())));
    ClusterState s = new ClusterState(List.of(), null, List.of(), List.of(), tasks);
    tasks.clear();
    assertThat(s.tasks()).hasSize(1);
  }
}
