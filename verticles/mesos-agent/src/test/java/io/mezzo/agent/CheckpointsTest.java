package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.AgentID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-task record file on a real file system: what a restarted agent reads back. */
class CheckpointsTest {
  @TempDir
  Path work;

  private static final FrameworkInfo FW = FrameworkInfo.newBuilder().setUser("root").setName("fw")
      .setId(FrameworkID.newBuilder().setValue("fw-1")).build();

  private static final TaskInfo INFO = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t.1"))
      .setAgentId(AgentID.newBuilder().setValue("a")).build();

  private static Task task(TaskState state) {
    return Task.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t.1")).setFrameworkId(FW.getId())
        .setAgentId(AgentID.newBuilder().setValue("a")).setState(state).build();
  }

  private static TaskStatus status(TaskState state, String uuid) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t.1")).setState(state)
        .setUuid(ByteString.copyFromUtf8(uuid)).build();
  }

  private Path records() {
    return work.resolve("meta/frameworks/fw-1/tasks/t%2E1" + Checkpoints.RECORDS_SUFFIX);
  }

  @Test
  void lastTaskRecordAndLastUpdateListWinAndACutRecordIsDropped() throws Exception {
    Checkpoints cp = new Checkpoints(work);
    cp.framework(FW);
    cp.updates("fw-1", "t.1", List.of(status(TaskState.TASK_STARTING, "1")));
    cp.task(task(TaskState.TASK_STARTING), INFO, "c1", "/sandbox", 0, -1);
    cp.task(task(TaskState.TASK_STARTING), INFO, "c1", "/sandbox", 42, 7);
    cp.updates("fw-1", "t.1", List.of());
    cp.updates("fw-1", "t.1", List.of(status(TaskState.TASK_RUNNING, "2")));
    long whole = Files.size(records());
    // a crash in the middle of the next append leaves half a record
    cp.updates("fw-1", "t.1", List.of());
    try (FileChannel ch = FileChannel.open(records(), StandardOpenOption.WRITE)) {
      ch.truncate(whole + 3);
    }
    assertThat(Checkpoints.pendingUpdates(work)).isEqualTo(1);

    var loaded = new Checkpoints(work).load();
    assertThat(loaded).hasSize(1);
    Checkpoints.TaskCheckpoint t = loaded.get(0).tasks().get(0);
    assertThat(t.pid()).isEqualTo(42);
    assertThat(t.startTicks()).isEqualTo(7);
    assertThat(t.containerId()).isEqualTo("c1");
    assertThat(loaded.get(0).updates().get(0)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
    // the cut record is gone, so what is appended next is read
    assertThat(Files.size(records())).isEqualTo(whole);
    cp.updates("fw-1", "t.1", List.of());
    assertThat(Checkpoints.pendingUpdates(work)).isZero();
  }

  @Test
  void aGrowingFileIsCompactedAndAnEmptyListDoesNotResurrectARemovedTask() throws Exception {
    Checkpoints cp = new Checkpoints(work);
    cp.framework(FW);
    cp.task(task(TaskState.TASK_RUNNING), INFO, "c1", "/sandbox", 42, 7);
    for (int i = 0; i < 2_000; i++) {
      cp.updates("fw-1", "t.1", List.of(status(TaskState.TASK_RUNNING, "u" + i)));
    }
    assertThat(Files.size(records())).isLessThanOrEqualTo(Checkpoints.COMPACT_BYTES);
    var loaded = cp.load();
    assertThat(loaded.get(0).tasks().get(0).pid()).isEqualTo(42);
    assertThat(loaded.get(0).updates().get(0)).extracting(s -> s.getUuid().toStringUtf8()).containsExactly("u1999");

    cp.removeTask("fw-1", "t.1");
    cp.updates("fw-1", "t.1", List.of());
    assertThat(records()).doesNotExist();
  }

  @Test
  void theEarlierLayoutIsStillRead() throws Exception {
    Path dir = work.resolve("meta/frameworks/fw-1/tasks/t%2E1");
    Files.createDirectories(dir);
    new Checkpoints(work).framework(FW);
    Files.writeString(dir.resolve("task.json"), "{\"task\":" + io.mezzo.mesos.proto.MesosJson.print(task(TaskState.TASK_RUNNING))
        + ",\"container_id\":\"c0\",\"directory\":\"/s\",\"pid\":9,\"start_ticks\":3}");
    Files.writeString(dir.resolve("updates.json"), "[" + io.mezzo.mesos.proto.MesosJson.print(status(TaskState.TASK_RUNNING, "x")) + "]");
    var loaded = new Checkpoints(work).load();
    assertThat(loaded.get(0).tasks().get(0).containerId()).isEqualTo("c0");
    assertThat(loaded.get(0).updates().get(0)).hasSize(1);
    assertThat(Checkpoints.pendingUpdates(work)).isEqualTo(1);
  }

  @Test
  void aTaskIsTwoNamesInTasks_evenOneCalledTask() throws Exception {
    Checkpoints cp = new Checkpoints(work);
    cp.framework(FW);
    Task named = task(TaskState.TASK_RUNNING).toBuilder().setTaskId(TaskID.newBuilder().setValue("task")).build();
    cp.task(named, INFO, "c2", "/s2", 5, 6);
    cp.updates("fw-1", "task", List.of(status(TaskState.TASK_RUNNING, "y")));
    Path tasks = work.resolve("meta/frameworks/fw-1/tasks");
    assertThat(cp.exitStatus("fw-1", "task")).isEqualTo(tasks.resolve("task" + Checkpoints.EXIT_SUFFIX));
    Files.writeString(cp.exitStatus("fw-1", "task"), "0\n");
    try (var names = Files.list(tasks)) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("task.records", "task.exit_status");
    }
    var loaded = new Checkpoints(work).load();
    assertThat(loaded.get(0).tasks()).extracting(Checkpoints.TaskCheckpoint::containerId).containsExactly("c2");
    assertThat(Checkpoints.pendingUpdates(work)).isEqualTo(1);
    cp.removeTask("fw-1", "task");
    try (var names = Files.list(tasks)) {
      assertThat(names).isEmpty();
    }
  }

  @Test
  void aTaskFoundInADirectoryOfItsOwnKeepsItUntilRemoved() throws Exception {
    Path dir = work.resolve("meta/frameworks/fw-1/tasks/t%2E1");
    new Checkpoints(work).framework(FW);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("task.json"), "{\"task\":" + io.mezzo.mesos.proto.MesosJson.print(task(TaskState.TASK_RUNNING))
        + ",\"container_id\":\"c0\",\"directory\":\"/s\",\"pid\":9,\"start_ticks\":3}");
    Checkpoints cp = new Checkpoints(work);
    assertThat(cp.load().get(0).tasks()).hasSize(1);
    // its supervisor, started by the earlier agent, writes here
    assertThat(cp.exitStatus("fw-1", "t.1")).isEqualTo(dir.resolve("exit_status"));
    cp.updates("fw-1", "t.1", List.of(status(TaskState.TASK_FINISHED, "z")));
    assertThat(dir.resolve(Checkpoints.RECORDS)).exists();
    assertThat(Checkpoints.pendingUpdates(work)).isEqualTo(1);
    assertThat(new Checkpoints(work).load().get(0).updates().get(0)).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_FINISHED);
    cp.removeTask("fw-1", "t.1");
    assertThat(dir).doesNotExist();
    assertThat(cp.exitStatus("fw-1", "t.1")).isEqualTo(dir.resolveSibling("t%2E1" + Checkpoints.EXIT_SUFFIX));
  }

  @Test
  void executorRunIsReadBack_withItsPidOnceStarted_andKeepsAFrameworkWithoutTasks() throws Exception {
    Checkpoints cp = new Checkpoints(work);
    cp.framework(FW);
    org.apache.mesos.v1.Protos.ExecutorInfo info = org.apache.mesos.v1.Protos.ExecutorInfo.newBuilder()
        .setExecutorId(org.apache.mesos.v1.Protos.ExecutorID.newBuilder().setValue("exec.1"))
        .setCommand(org.apache.mesos.v1.Protos.CommandInfo.newBuilder().setValue("./run")).build();
    cp.executor("fw-1", info, "c9", "/sandbox/c9", 0, -1);
    assertThat(cp.executors()).singleElement().satisfies(e -> assertThat(e.pid()).isZero());
    cp.executor("fw-1", info, "c9", "/sandbox/c9", 4242, 99);
    // a framework whose only checkpoint is an executor run is kept by load()
    assertThat(cp.load()).singleElement().satisfies(f -> assertThat(f.tasks()).isEmpty());
    Checkpoints.ExecutorCheckpoint run = new Checkpoints(work).executors().get(0);
    assertThat(run.frameworkId()).isEqualTo("fw-1");
    assertThat(run.info().getExecutorId()).isEqualTo(info.getExecutorId());
    assertThat(run.info().getCommand().getValue()).isEqualTo("./run");
    assertThat(run.containerId()).isEqualTo("c9");
    assertThat(run.directory()).isEqualTo("/sandbox/c9");
    assertThat(run.pid()).isEqualTo(4242);
    assertThat(run.startTicks()).isEqualTo(99);
    // the supervisor's exit status file sits next to it; removing the executor's directory forgets the run
    assertThat(cp.executorExitStatus("fw-1", "exec.1").resolveSibling("executor.json")).exists();
    Checkpoints.deleteTree(cp.executorExitStatus("fw-1", "exec.1").getParent());
    assertThat(cp.executors()).isEmpty();
  }
}
