package io.mezzo.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.Resources;
import java.time.Duration;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Small steps of a framework session shared by the master tests. */
final class Launching {
  static final Duration WAIT = Duration.ofSeconds(20);

  private Launching() {
  }

  static Call subscribe(String name, boolean partitionAware) {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setUser("root").setName(name).setFailoverTimeout(3600);
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    return Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
  }

  /** SUBSCRIBE again with the framework's id (after a failover of the master or the scheduler). */
  static Call resubscribe(Call subscribe, org.apache.mesos.v1.Protos.FrameworkID id) {
    return subscribe.toBuilder().setFrameworkId(id).setSubscribe(subscribe.getSubscribe().toBuilder()
        .setFrameworkInfo(subscribe.getSubscribe().getFrameworkInfo().toBuilder().setId(id))).build();
  }

  /** Launches tasks with {@code resources} on an offer; the unused rest is refused for {@code refuseSeconds}. */
  static void accept(TestScheduler s, Offer offer, String resources, double refuseSeconds, String... taskIds) throws Exception {
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    for (String id : taskIds) {
      launch.addTaskInfos(TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
          .addAllResources(Resources.parse(resources, "*")));
    }
    assertThat(s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))
        .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds))).build()).statusCode()).isEqualTo(202);
  }

  static TaskStatus update(TestScheduler s, String taskId, TaskState state) throws InterruptedException {
    return s.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().getState() == state, WAIT).getUpdate().getStatus();
  }

  /** Waits for the task's update to {@code state} and acknowledges it when it carries a uuid. */
  static TaskStatus updateAndAck(TestScheduler s, String taskId, TaskState state) throws Exception {
    TaskStatus status = update(s, taskId, state);
    if (status.hasUuid()) {
      assertThat(s.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
          .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())).build()).statusCode()).isEqualTo(202);
    }
    return status;
  }

  static Call kill(String taskId) {
    return Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))).build();
  }
}
