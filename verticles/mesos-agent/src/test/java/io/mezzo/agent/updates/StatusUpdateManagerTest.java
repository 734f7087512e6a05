package io.mezzo.agent.updates;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusUpdateManagerTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> sent = new ArrayList<>();
  private final Map<String, List<TaskStatus>> saved = new HashMap<>();
  private boolean connected = true;
  private StatusUpdateManager manager;

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @BeforeEach
  void create() {
    manager = new StatusUpdateManager(clock, Duration.ofSeconds(10), Duration.ofMinutes(10), new StatusUpdateManager.Transport() {
      @Override
      public boolean connected() {
        return connected;
      }

      @Override
      public void send(String frameworkId, TaskStatus status) {
        sent.add(status.getTaskId().getValue() + ":" + status.getState());
      }
    }, (fw, task, pending) -> {
      saved.put(fw + "/" + task, pending);
      return Future.succeededFuture();
    });
  }

  private static TaskStatus status(String task, TaskState state, int uuid) {
    return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
        .setUuid(ByteString.copyFrom(new byte[] {(byte) uuid})).build();
  }

  @Test
  void oneUpdateInFlightPerTask_nextGoesAfterItsAcknowledgement() {
    manager.update("fw", status("t1", TaskState.TASK_STARTING, 1));
    manager.update("fw", status("t1", TaskState.TASK_RUNNING, 2));
    manager.update("fw", status("t2", TaskState.TASK_STARTING, 3));
    assertThat(sent).containsExactly("t1:TASK_STARTING", "t2:TASK_STARTING");
    assertThat(saved.get("fw/t1")).hasSize(2);

    assertThat(manager.acknowledge("fw", "t1", ByteString.copyFrom(new byte[] {2}))).isFalse();
    assertThat(manager.acknowledge("fw", "t1", ByteString.copyFrom(new byte[] {1}))).isTrue();
    assertThat(sent).containsExactly("t1:TASK_STARTING", "t2:TASK_STARTING", "t1:TASK_RUNNING");
    assertThat(manager.acknowledge("fw", "t1", ByteString.copyFrom(new byte[] {1}))).isFalse();
    assertThat(manager.acknowledge("fw", "t1", ByteString.copyFrom(new byte[] {2}))).isTrue();
    assertThat(saved.get("fw/t1")).isEmpty();
    assertThat(manager.hasPending("fw", "t1")).isFalse();
    assertThat(manager.size()).isEqualTo(1);
  }

  @Test
  void unacknowledgedUpdate_isResentWithDoublingIntervalUpToTheMax() {
    manager.update("fw", status("t1", TaskState.TASK_RUNNING, 1));
    List<Long> resentAfterSeconds = new ArrayList<>();
    long elapsed = 0;
    for (int second = 0; second < 3_000; second++) {
      clock.advance(Duration.ofSeconds(1));
      elapsed++;
      int before = sent.size();
      manager.tick();
      if (sent.size() > before) {
        resentAfterSeconds.add(elapsed);
        elapsed = 0;
      }
    }
    assertThat(resentAfterSeconds).startsWith(10L, 20L, 40L, 80L, 160L, 320L, 600L, 600L);
  }

  @Test
  void whileDisconnected_nothingIsSent_flushSendsEveryHeadOnRegistration() {
    connected = false;
    manager.update("fw", status("t1", TaskState.TASK_RUNNING, 1));
    clock.advance(Duration.ofSeconds(30));
    manager.tick();
    assertThat(sent).isEmpty();
    connected = true;
    manager.flush();
    assertThat(sent).containsExactly("t1:TASK_RUNNING");
  }

  @Test
  void recoveredStreams_areSentOnFlush_andDroppedFrameworksForgotten() {
    manager.recover("fw", "t1", List.of(status("t1", TaskState.TASK_FINISHED, 7)));
    manager.recover("other", "t9", List.of(status("t9", TaskState.TASK_RUNNING, 8)));
    manager.dropFramework("other");
    manager.flush();
    assertThat(sent).containsExactly("t1:TASK_FINISHED");
    assertThat(saved.get("other/t9")).isEmpty();
    assertThat(manager.pending("fw", "t1")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_FINISHED);
  }
}
