package io.mezzo.agent.updates;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.Test;

/**
 * An update taken just as the agent (re-)registers: the registration's flush sends it while its
 * checkpoint is still being written. When the checkpoint completes it must not go out a second
 * time (the framework would see the same update twice). This is what happens when a recovered
 * executor's SUBSCRIBE carries an update right as the restarted agent re-registers.
 */
class StatusUpdateFlushTest {
  @Test
  void updateFlushedBeforeItsCheckpointCompletes_isSentOnce() {
    List<String> sent = new ArrayList<>();
    boolean[] connected = {false};
    List<Promise<Void>> saves = new ArrayList<>();
    StatusUpdateManager manager = new StatusUpdateManager(Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofMinutes(10),
        new StatusUpdateManager.Transport() {
          @Override
          public boolean connected() {
            return connected[0];
          }

          @Override
          public void send(String frameworkId, TaskStatus status) {
            sent.add(status.getTaskId().getValue() + ":" + status.getState());
          }
        }, (fw, task, pending) -> {
          Promise<Void> p = Promise.promise();
          saves.add(p);
          return p.future();
        });
    TaskStatus running = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_RUNNING)
        .setUuid(ByteString.copyFrom(new byte[] {1})).build();

    manager.update("fw", running);   // checkpoint in progress
    connected[0] = true;             // registered meanwhile ...
    manager.flush();                 // ... which sends every head
    assertThat(sent).containsExactly("t:TASK_RUNNING");
    saves.get(0).complete();         // the checkpoint completes
    assertThat(sent).containsExactly("t:TASK_RUNNING");

    // still resent on its own schedule until acknowledged, and the next one goes after the acknowledgement
    TaskStatus finished = running.toBuilder().setState(TaskState.TASK_FINISHED).setUuid(ByteString.copyFrom(new byte[] {2})).build();
    manager.update("fw", finished);
    saves.get(1).complete();
    assertThat(sent).containsExactly("t:TASK_RUNNING");
    assertThat(manager.acknowledge("fw", "t", running.getUuid())).isTrue();
    saves.get(2).complete();
    assertThat(sent).containsExactly("t:TASK_RUNNING", "t:TASK_FINISHED");
  }
}
