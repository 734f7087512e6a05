package io.mezzo.metronome.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyTriggerTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  static JobRun finished(String jobId, String id, RunStatus status, Instant created, Instant completed) {
    return new JobRun(id, jobId, status, created, completed, null, 1, created, created, null);
  }

  static JobRun success(String jobId, String id, int completedSecond) {
    return finished(jobId, id, RunStatus.SUCCESS, T0, T0.plusSeconds(completedSecond));
  }

  @Test
  void due_everyDependencySucceededAndJobNeverRan_startsRunWithDerivedId() {
    Map<String, JobRun> latest = Map.of("a", success("a", "r1", 10), "c", success("c", "r2", 20));
    JobRun run = DependencyTrigger.due("b", List.of("a", "c"), latest, List.of(), T0.plusSeconds(30)).orElseThrow();
    assertThat(run.jobId()).isEqualTo("b");
    assertThat(run.status()).isEqualTo(RunStatus.INITIAL);
    assertThat(run.id()).matches(RunIds.FORMAT).startsWith("20260301100020");
    // another leader deciding on the same state derives the same id
    assertThat(DependencyTrigger.due("b", List.of("c", "a"), latest, List.of(), T0.plusSeconds(99)).orElseThrow().id())
        .isEqualTo(run.id());
  }

  @Test
  void due_oneDependencyMissingOrFailed_startsNothing() {
    assertThat(DependencyTrigger.due("b", List.of("a", "c"), Map.of("a", success("a", "r1", 10)), List.of(), T0))
        .isEmpty();
    JobRun failed = finished("c", "r2", RunStatus.FAILED, T0, T0.plusSeconds(20));
    assertThat(DependencyTrigger.due("b", List.of("a", "c"), Map.of("a", success("a", "r1", 10), "c", failed),
        List.of(), T0)).isEmpty();
  }

  @Test
  void due_ownRunCreatedAfterTheSuccess_startsNothingUntilTheDependencySucceedsAgain() {
    Map<String, JobRun> latest = Map.of("a", success("a", "r1", 10));
    JobRun first = DependencyTrigger.due("b", List.of("a"), latest, List.of(), T0.plusSeconds(10)).orElseThrow();
    // the run it started (live, then finished) keeps the same success from starting another
    assertThat(DependencyTrigger.due("b", List.of("a"), latest, List.of(first), T0.plusSeconds(11))).isEmpty();
    JobRun done = finished("b", first.id(), RunStatus.SUCCESS, first.createdAt(), T0.plusSeconds(40));
    assertThat(DependencyTrigger.due("b", List.of("a"), latest, List.of(done), T0.plusSeconds(50))).isEmpty();
    // a newer success of a starts the next one
    Map<String, JobRun> again = Map.of("a", success("a", "r3", 60));
    assertThat(DependencyTrigger.due("b", List.of("a"), again, List.of(done), T0.plusSeconds(61)))
        .hasValueSatisfying(r -> assertThat(r.id()).isNotEqualTo(first.id()));
  }

  @Test
  void due_noDependencies_startsNothing() {
    assertThat(DependencyTrigger.due("b", List.of(), Map.of(), List.of(), T0)).isEmpty();
  }
}
