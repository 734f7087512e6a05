package io.mezzo.mesos.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.Test;

class AgentProtocolTest {
  private static Task task(String id, TaskState state) {
    return Task.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw")).setAgentId(AgentID.newBuilder().setValue("S1"))
        .setState(state).build();
  }

  @Test
  void tasksProtobuf_roundTrip_keepsEveryTaskInOrder() {
    List<Task> tasks = List.of(task("a", TaskState.TASK_RUNNING), task("b", TaskState.TASK_FINISHED), task("c", TaskState.TASK_STAGING));

    assertThat(AgentProtocol.decodeTasks(AgentProtocol.encodeTasks(tasks))).isEqualTo(tasks);
    assertThat(AgentProtocol.decodeTasks(AgentProtocol.encodeTasks(List.of()))).isEmpty();
  }

  @Test
  void agentInfoProtobuf_roundTrip_andMalformed() {
    org.apache.mesos.v1.Protos.AgentInfo info = org.apache.mesos.v1.Protos.AgentInfo.newBuilder().setHostname("a1").setPort(5051).build();

    assertThat(AgentProtocol.decodeAgentInfo(AgentProtocol.encodeAgentInfo(info))).isEqualTo(info);
    assertThatThrownBy(() -> AgentProtocol.decodeAgentInfo("%%")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentProtocol.decodeAgentInfo(Base64.getEncoder().encodeToString(new byte[] {10, 50, 1})))
        .isInstanceOf(IllegalArgumentException.class);
    // no hostname: a required field is missing
    assertThatThrownBy(() -> AgentProtocol.decodeAgentInfo("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void messageProtobuf_roundTrip_andMalformedOrIncomplete_isIllegalArgumentNamingTheField() {
    org.apache.mesos.v1.Protos.TaskStatus status = org.apache.mesos.v1.Protos.TaskStatus.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("web.1")).setState(TaskState.TASK_RUNNING).setTimestamp(1.5).build();

    assertThat(AgentProtocol.decode(AgentProtocol.encode(status), org.apache.mesos.v1.Protos.TaskStatus.parser(),
        AgentProtocol.STATUS_PROTOBUF)).isEqualTo(status);
    assertThatThrownBy(() -> AgentProtocol.decode("%%", org.apache.mesos.v1.Protos.TaskStatus.parser(), AgentProtocol.STATUS_PROTOBUF))
        .isInstanceOf(IllegalArgumentException.class);
    // no task_id and no state: required fields are missing
    assertThatThrownBy(() -> AgentProtocol.decode("", org.apache.mesos.v1.Protos.TaskStatus.parser(), AgentProtocol.STATUS_PROTOBUF))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AgentProtocol.STATUS_PROTOBUF);
  }

  @Test
  void tasksProtobuf_malformed_isIllegalArgument() {
    String good = AgentProtocol.encodeTasks(List.of(task("a", TaskState.TASK_RUNNING)));
    byte[] bytes = Base64.getDecoder().decode(good);
    String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, bytes.length - 3));
    // a task without its required fields (only the name)
    String incomplete = AgentProtocol.encodeTasks(List.of(Task.newBuilder().buildPartial()));

    assertThatThrownBy(() -> AgentProtocol.decodeTasks("not base64!")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentProtocol.decodeTasks(truncated)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentProtocol.decodeTasks(incomplete)).isInstanceOf(IllegalArgumentException.class);
  }
}
