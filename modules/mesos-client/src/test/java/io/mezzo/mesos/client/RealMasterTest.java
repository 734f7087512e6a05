package io.mezzo.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.mesos.client.cluster.Agent;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.MasterStreamSource;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.mezzo.mesos.proto.Resources;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.master.Protos.Response;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The clients against our real mesos-master: a whole framework session, the operator stream, redirects and
 * failover, and the cluster state source built on the operator stream.
 */
class RealMasterTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final List<ClusterState> states = new CopyOnWriteArrayList<>();
  private final List<TaskEvent> events = new CopyOnWriteArrayList<>();
  private static final Backoff QUICK = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.5);
  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setUser("root").setName("client-test")
      .setFailoverTimeout(60).addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
      .build();

  @TempDir
  Path dir;
  private RealMasters masters;

  @BeforeEach
  void start() throws Exception {
    masters = new RealMasters(dir);
  }

  @AfterEach
  void stop() throws Exception {
    masters.close();
  }

  private static TaskStatus update(EventQueue<Event> events, String taskId, TaskState state) throws InterruptedException {
    return events.next(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
        && e.getUpdate().getStatus().getState() == state, WAIT).getUpdate().getStatus();
  }

  private static void sent(io.reactivex.rxjava3.core.Completable c) {
    assertThat(c.blockingAwait(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void frameworkSession_leaderFromZooKeeper_launchAckReconcileKillTeardownAndOperatorStreamSeesTask(Encoding encoding) throws Exception {
    RealMasters.Master master = masters.deploy();
    try (ZooKeeperMasterDetector zk = ZooKeeperMasterDetector.connect(masters.zkUrl())) {
      // the leader publishes its json.info_ node once it has recovered and listens for agents
      await().atMost(WAIT).ignoreExceptions().until(() -> zk.leader().blockingGet().equals(URI.create(master.url())));
    }
    SimulatedAgent agent = masters.agent("agent-1.example", "cpus:4;mem:4096;disk:10000;ports:[31000-32000]");
    try (OperatorClient operator = OperatorClient.builder().master(masters.zkUrl()).encoding(encoding).backoff(QUICK).build();
         SchedulerClient client = SchedulerClient.builder().master(masters.zkUrl()).encoding(encoding).backoff(QUICK)
             .frameworkInfo(FRAMEWORK).build();
         EventQueue<org.apache.mesos.v1.master.Protos.Event> ops = new EventQueue<>(operator.subscribe(), e -> e.getType());
         EventQueue<Event> events = new EventQueue<>(client.events(), Event::getType)) {
      var snapshot = ops.next(e -> e.getType() == org.apache.mesos.v1.master.Protos.Event.Type.SUBSCRIBED, WAIT);
      assertThat(snapshot.getSubscribed().getGetState().getGetAgents().getAgentsList()).hasSize(1);

      Event.Subscribed subscribed = events.next(e -> e.getType() == Event.Type.SUBSCRIBED, WAIT).getSubscribed();
      assertThat(subscribed.getFrameworkId().getValue()).matches("[0-9a-f-]{36}-0000");
      assertThat(client.frameworkId()).contains(subscribed.getFrameworkId());
      assertThat(client.master()).contains(URI.create(master.url()));
      assertThat(client.streamId()).isPresent();

      Offer offer = events.next(e -> e.getType() == Event.Type.OFFERS, WAIT).getOffers().getOffers(0);
      assertThat(offer.getAgentId().getValue()).isEqualTo(agent.agentId());
      TaskInfo task = TaskInfo.newBuilder().setName("web").setTaskId(TaskID.newBuilder().setValue("web-1"))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 1000"))
          .addAllResources(Resources.parse("cpus:1;mem:128", "*")).build();
      sent(client.accept(List.of(offer.getId()), List.of(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build()), Filters.newBuilder().setRefuseSeconds(0).build()));

      TaskStatus running = update(events, "web-1", TaskState.TASK_RUNNING);
      assertThat(running.hasUuid()).isTrue();
      assertThat(agent.unacknowledged()).isEqualTo(1);
      sent(client.acknowledge(running));
      await().atMost(WAIT).until(() -> agent.unacknowledged() == 0);

      var added = ops.next(e -> e.getType() == org.apache.mesos.v1.master.Protos.Event.Type.TASK_ADDED, WAIT);
      assertThat(added.getTaskAdded().getTask().getTaskId().getValue()).isEqualTo("web-1");
      ops.next(e -> e.getType() == org.apache.mesos.v1.master.Protos.Event.Type.TASK_UPDATED
          && e.getTaskUpdated().getState() == TaskState.TASK_RUNNING, WAIT);

      sent(client.reconcile(List.of()));
      // (a resent RUNNING update from the agent may still be on its way, so pick the reconciliation answer by its reason)
      TaskStatus implicit = events.next(e -> e.getType() == Event.Type.UPDATE
          && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION, WAIT).getUpdate().getStatus();
      assertThat(implicit.getTaskId().getValue()).isEqualTo("web-1");
      assertThat(implicit.getState()).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(implicit.hasUuid()).isFalse();
      sent(client.acknowledge(implicit)); // nothing to acknowledge: completes without a call

      sent(client.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("never-launched"))
          .setAgentId(AgentID.newBuilder().setValue(agent.agentId())).build())));
      assertThat(update(events, "never-launched", TaskState.TASK_GONE).getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);

      sent(client.suppress(List.of()));
      sent(client.revive(List.of()));

      sent(client.kill(TaskID.newBuilder().setValue("web-1").build(), offer.getAgentId()));
      sent(client.acknowledge(update(events, "web-1", TaskState.TASK_KILLED)));
      await().atMost(WAIT).until(() -> agent.unacknowledged() == 0);
      ops.next(e -> e.getType() == org.apache.mesos.v1.master.Protos.Event.Type.TASK_UPDATED
          && e.getTaskUpdated().getState() == TaskState.TASK_KILLED, WAIT);

      Response state = operator.call(org.apache.mesos.v1.master.Protos.Call.Type.GET_STATE).blockingGet();
      assertThat(state.getType()).isEqualTo(Response.Type.GET_STATE);
      assertThat(state.getGetState().getGetTasks().getCompletedTasksList())
          .extracting(t -> t.getTaskId().getValue() + " " + t.getState()).containsExactly("web-1 TASK_KILLED");

      sent(client.teardown());
      await().atMost(WAIT).until(events::done);
      assertThat(events.error()).isNull();
      Response frameworks = operator.call(org.apache.mesos.v1.master.Protos.Call.Type.GET_FRAMEWORKS).blockingGet();
      assertThat(frameworks.getGetFrameworks().getFrameworksList()).isEmpty();
      assertThat(frameworks.getGetFrameworks().getCompletedFrameworksList())
          .extracting(f -> f.getFrameworkInfo().getId()).containsExactly(subscribed.getFrameworkId());
    }
  }

  @Test
  void subscribeThroughFollower_leaderFailsOver_redirectedThenResubscribesToNewLeaderWithSameFrameworkId() throws Exception {
    RealMasters.Master first = masters.deploy();
    try (ZooKeeperMasterDetector zk = ZooKeeperMasterDetector.connect(masters.zkUrl())) {
      await().atMost(WAIT).ignoreExceptions().until(() -> zk.leader().blockingGet().equals(URI.create(first.url())));
      RealMasters.Master second = masters.deploy();
      try (SchedulerClient client = SchedulerClient.builder().masters(List.of(URI.create(second.url()))).backoff(QUICK)
          .frameworkInfo(FRAMEWORK).build();
           EventQueue<Event> events = new EventQueue<>(client.events(), Event::getType)) {
        FrameworkID id = events.next(e -> e.getType() == Event.Type.SUBSCRIBED, WAIT).getSubscribed().getFrameworkId();
        assertThat(client.master()).as("the follower redirected to the leader").contains(URI.create(first.url()));

        masters.undeploy(first);
        Event.Subscribed again = events.next(e -> e.getType() == Event.Type.SUBSCRIBED, WAIT).getSubscribed();
        assertThat(again.getFrameworkId()).isEqualTo(id);
        assertThat(client.master()).contains(URI.create(second.url()));
        assertThat(zk.leader().blockingGet()).isEqualTo(URI.create(second.url()));
        sent(client.reconcile(List.of()));
      }
    }
  }

  private MasterStreamSource source(RealMasters.Master master, boolean askLeader) {
    return new MasterStreamSource(new StaticMasterDetector(List.of(URI.create(master.url()))), askLeader);
  }

  @Test
  void askLeader_snapshotThenTheLeader_thenAnAgentThatRegisters() throws Exception {
    RealMasters.Master master = masters.deploy();
    MasterStreamSource source = source(master, true);
    masters.onLoop(() -> source.start(states::add, events::add));

    await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e instanceof TaskEvent.LeaderChanged));
    assertThat(states).hasSize(1);
    assertThat(states.get(0).agents()).isEmpty();
    TaskEvent.LeaderChanged leader = (TaskEvent.LeaderChanged) events.stream()
        .filter(e -> e instanceof TaskEvent.LeaderChanged).findFirst().orElseThrow();
    assertThat(leader.leader().port()).isEqualTo(master.port());
    assertThat(states.get(0).apply(leader).leader()).isEqualTo(leader.leader());

    masters.agent("agent-1.example", "cpus:1;mem:256");
    await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e instanceof TaskEvent.AgentAdded));
    Agent agent = events.stream().filter(e -> e instanceof TaskEvent.AgentAdded)
        .map(e -> ((TaskEvent.AgentAdded) e).agent()).findFirst().orElseThrow();
    assertThat(agent.hostname()).isEqualTo("agent-1.example");
    assertThat(agent.ip()).isNull();
    masters.onLoop(source::stop);
  }

  @Test
  void startingWithEmpty_deliversItAtOnce_thenTheSnapshot_withoutAskingTheLeader() throws Exception {
    RealMasters.Master master = masters.deploy();
    var source = source(master, false).startingWith(ClusterState.EMPTY);
    masters.onLoop(() -> {
      var started = source.start(states::add, events::add);
      assertThat(states).containsExactly(ClusterState.EMPTY);
      return started;
    });

    await().atMost(WAIT).until(() -> states.size() == 2);
    assertThat(states.get(1).leader()).isNull();
    masters.agent("agent-2.example", "cpus:1;mem:256");
    await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e instanceof TaskEvent.AgentAdded));
    assertThat(events).noneMatch(e -> e instanceof TaskEvent.LeaderChanged);
    masters.onLoop(source::stop);
  }
}
