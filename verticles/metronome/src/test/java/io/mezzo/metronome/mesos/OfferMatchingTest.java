package io.mezzo.metronome.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.mesos.proto.Resources;
import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.JobRunSpec.Constraint;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.MetronomeJson;
import io.mezzo.metronome.schedule.JobRun;
import java.time.Instant;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class OfferMatchingTest {
  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  static Offer offer(String id, String host, String resources, Attribute... attributes) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
        .setFrameworkId(FrameworkID.newBuilder().setValue("fw")).setAgentId(AgentID.newBuilder().setValue("agent-" + id))
        .setHostname(host).addAllResources(Resources.parse(resources, "*")).addAllAttributes(List.of(attributes)).build();
  }

  static Attribute text(String name, String value) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value))
        .build();
  }

  static Attribute scalar(String name, double value) {
    return Attribute.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  static JobSpec job(String id, String runJson) {
    return MetronomeJson.readJob("{\"id\":\"" + id + "\",\"run\":" + runJson + "}");
  }

  static JobRun run(String jobId, String runId) {
    return JobRun.manual(runId, jobId, T);
  }

  static final Offer SMALL = offer("1", "a", "cpus:1;mem:256;disk:100");
  static final Offer BIG = offer("2", "b", "cpus:4;mem:4096;disk:1000");
  static final JobSpec TWO = job("two", "{\"cmd\":\"x\",\"cpus\":0.5,\"mem\":128}");

  @Test
  void constraints_isEqLikeUnlike_onHostnameAndAttributes() {
    Offer o = offer("1", "node-7.dc1", "cpus:1", text("rack", "r-12"), scalar("gen", 3.0));
    assertThat(Constraints.matches(o, List.of(new Constraint("hostname", "IS", "node-7.dc1")))).isTrue();
    assertThat(Constraints.matches(o, List.of(new Constraint("hostname", "IS", "node-7")))).isFalse();
    assertThat(Constraints.matches(o, List.of(new Constraint("rack", "EQ", "r-12")))).isTrue();
    assertThat(Constraints.matches(o, List.of(new Constraint("gen", "IS", "3")))).isTrue();
    assertThat(Constraints.matches(o, List.of(new Constraint("rack", "LIKE", "r-1[0-9]")))).isTrue();
    assertThat(Constraints.matches(o, List.of(new Constraint("rack", "LIKE", "r-1")))).as("whole value").isFalse();
    assertThat(Constraints.matches(o, List.of(new Constraint("rack", "UNLIKE", "r-1.*")))).isFalse();
    assertThat(Constraints.matches(o, List.of(new Constraint("zone", "UNLIKE", "a")))).as("missing attribute").isTrue();
    assertThat(Constraints.matches(o, List.of(new Constraint("zone", "IS", "a")))).isFalse();
    assertThat(Constraints.matches(o, List.of(new Constraint("zone", "LIKE", ".*")))).isFalse();
    assertThat(Constraints.matches(o, List.of(new Constraint("rack", "IS", "r-12"),
        new Constraint("hostname", "LIKE", "node-8.*")))).as("all must hold").isFalse();
  }

  @Test
  void plan_firstComeFirstServed_packsOffersAndDeclinesTheRest() {
    Offer small = SMALL;
    Offer big = BIG;
    Offer unused = offer("3", "c", "cpus:0.1;mem:32");
    JobSpec two = TWO;
    JobSpec huge = job("huge", "{\"cmd\":\"x\",\"cpus\":3,\"mem\":1024}");
    JobSpec never = job("never", "{\"cmd\":\"x\",\"cpus\":8,\"mem\":32}");
    List<OfferPlanner.Waiting> waiting = List.of(
        new OfferPlanner.Waiting(run("two", "20260301100000AAAAA"), two),
        new OfferPlanner.Waiting(run("two", "20260301100000BBBBB"), two),
        new OfferPlanner.Waiting(run("two", "20260301100000CCCCC"), two),
        new OfferPlanner.Waiting(run("huge", "20260301100000DDDDD"), huge),
        new OfferPlanner.Waiting(run("never", "20260301100000EEEEE"), never));

    OfferPlanner.Plan plan = OfferPlanner.plan(List.of(small, big, unused), waiting);

    assertThat(plan.launches().get(small.getId())).extracting(t -> t.getTaskId().getValue())
        .containsExactly("two_20260301100000AAAAA.1", "two_20260301100000BBBBB.1");
    assertThat(plan.launches().get(big.getId())).extracting(t -> t.getTaskId().getValue())
        .containsExactly("two_20260301100000CCCCC.1", "huge_20260301100000DDDDD.1");
    assertThat(plan.declines()).containsExactly(unused.getId());
    TaskInfo hugeTask = plan.launches().get(big.getId()).get(1);
    assertThat(Resources.format(hugeTask.getResourcesList())).isEqualTo("cpus:3;mem:1024");
    assertThat(hugeTask.getAgentId().getValue()).isEqualTo("agent-2");
  }

  @Test
  void used_trialPlacement_namesTheOffersPlanWouldFill() {
    Offer small = SMALL;
    Offer big = BIG;
    Offer spare = offer("3", "c", "cpus:4;mem:4096;disk:1000");
    JobSpec two = TWO;
    JobSpec onC = job("onc", "{\"cmd\":\"x\",\"cpus\":0.1,\"mem\":32,"
        + "\"placement\":{\"constraints\":[{\"attribute\":\"hostname\",\"operator\":\"IS\",\"value\":\"c\"}]}}");
    List<OfferPlanner.Waiting> waiting = List.of(
        new OfferPlanner.Waiting(run("two", "20260301100000AAAAA"), two),
        new OfferPlanner.Waiting(run("two", "20260301100000BBBBB"), two),
        new OfferPlanner.Waiting(run("two", "20260301100000CCCCC"), two));

    assertThat(OfferPlanner.used(List.of(small, big, spare), waiting)).containsExactly(small.getId(), big.getId());
    assertThat(OfferPlanner.used(List.of(small, big, spare), List.of(waiting.get(0),
        new OfferPlanner.Waiting(run("onc", "20260301100000DDDDD"), onC)))).containsExactly(small.getId(), spare.getId());
    assertThat(OfferPlanner.plan(List.of(small, big, spare), waiting).launches().keySet())
        .containsExactlyElementsOf(OfferPlanner.used(List.of(small, big, spare), waiting));
  }

  @Test
  void resourcePool_takesReservedThenUnreservedPieces_keepingTheirRoles() {
    Offer o = offer("1", "a", "cpus(jobs):1;cpus:2;mem:512");
    ResourcePool pool = new ResourcePool(o);
    var wanted = ResourcePool.wanted(1.5, 100, 0, 0);
    assertThat(pool.fits(wanted)).isTrue();
    assertThat(Resources.format(pool.take(wanted))).isEqualTo("cpus(jobs):1;cpus:0.5;mem:100");
    assertThat(pool.available("cpus")).isEqualTo(1.5);
    assertThat(pool.fits(ResourcePool.wanted(1.6, 1, 0, 0))).isFalse();
    assertThat(pool.fits(ResourcePool.wanted(0.1, 1, 0, 1))).as("no gpus offered").isFalse();
  }

  @Test
  void taskInfo_fromTheRunSpec() {
    JobSpec spec = job("prod.backup", """
        {"cmd":"./backup.sh","cpus":0.5,"mem":64,"user":"nobody","taskKillGracePeriodSeconds":7,
         "env":{"A":"1","PASSWORD":{"secret":"pw"}},"secrets":{"pw":{"source":"db/pw"}},
         "artifacts":[{"uri":"http://x/backup.sh","executable":true,"extract":false}]}""");
    TaskInfo task = TaskFactory.build(run("prod.backup", "20260301100000AAAAA"), spec, "agent-1", List.of());
    assertThat(task.getTaskId().getValue()).isEqualTo("prod.backup_20260301100000AAAAA.1");
    assertThat(task.getName()).isEqualTo("prod.backup");
    assertThat(task.getCommand().getShell()).isTrue();
    assertThat(task.getCommand().getValue()).isEqualTo("./backup.sh");
    assertThat(task.getCommand().getUser()).isEqualTo("nobody");
    assertThat(task.getCommand().getEnvironment().getVariablesList()).extracting(v -> v.getName() + "=" + v.getValue())
        .containsExactly("A=1");
    assertThat(task.getCommand().getUris(0).getExecutable()).isTrue();
    assertThat(task.getCommand().getUris(0).getExtract()).isFalse();
    assertThat(task.getKillPolicy().getGracePeriod().getNanoseconds()).isEqualTo(7_000_000_000L);

    TaskInfo argv = TaskFactory.build(run("a", "20260301100000AAAAA"),
        job("a", "{\"args\":[\"/bin/echo\",\"hi\"]}"), "agent-1", List.of());
    assertThat(argv.getCommand().getShell()).isFalse();
    assertThat(argv.getCommand().getValue()).isEqualTo("/bin/echo");
    assertThat(argv.getCommand().getArgumentsList()).containsExactly("/bin/echo", "hi");
    assertThat(argv.hasKillPolicy()).isFalse();
  }

  @Test
  void taskIds_roundTrip_andForeignIdsAreRejected() {
    assertThat(TaskIds.parse("prod.backup-db_20160715130259A34HX.12"))
        .contains(new TaskIds.Parsed("prod.backup-db", "20160715130259A34HX", 12));
    assertThat(TaskIds.parse("web.6b5d2c2e-1111")).isEmpty();
    assertThat(TaskIds.parse("x_y.z")).isEmpty();
    assertThat(TaskIds.parse("x_y.0")).isEmpty();
    assertThat(TaskIds.parse("_y.1")).isEmpty();
  }
}
