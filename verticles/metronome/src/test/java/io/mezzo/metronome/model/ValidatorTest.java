package io.mezzo.metronome.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorTest {

  static JobSpec job(String json) {
    return MetronomeJson.readJob(json);
  }

  static List<Problem> problems(String jobJson) {
    return Validator.validate(job(jobJson));
  }

  static List<Problem> scheduleProblems(String json) {
    return Validator.validate(MetronomeJson.readSchedule(json));
  }

  @Test
  void minimalJob_validate_noProblemsAndMetronomeDefaults() {
    JobSpec job = job("{\"id\":\"prod.backup-db\",\"run\":{\"cmd\":\"sleep 1\"}}");
    assertThat(Validator.validate(job)).isEmpty();
    assertThat(job.run().cpus()).isEqualTo(1.0);
    assertThat(job.run().mem()).isEqualTo(128.0);
    assertThat(job.run().disk()).isEqualTo(0.0);
    assertThat(job.run().maxLaunchDelay()).isEqualTo(3600L);
    assertThat(job.run().restart().policy()).isEqualTo("NEVER");
  }

  @Test
  void memBelow32_validate_reportsRunMem() {
    assertThat(problems("{\"id\":\"a\",\"run\":{\"cmd\":\"x\",\"mem\":16}}"))
        .containsExactly(new Problem("/run/mem", List.of("is less than 32")));
    assertThat(problems("{\"id\":\"a\",\"run\":{\"cmd\":\"x\",\"mem\":32}}")).isEmpty();
  }

  @Test
  void badJobIds_validate_reportId() {
    for (String id : List.of("Upper", "-lead", "trail-", "a..b", "a_b", ".a", "")) {
      assertThat(problems("{\"id\":\"" + id + "\",\"run\":{\"cmd\":\"x\"}}"))
          .as(id).extracting(Problem::path).containsExactly("/id");
    }
    assertThat(problems("{\"id\":\"a--b.c1.d-e\",\"run\":{\"cmd\":\"x\"}}")).isEmpty();
    assertThat(problems("{\"run\":{\"cmd\":\"x\"}}")).containsExactly(new Problem("/id", List.of("is required")));
  }

  @Test
  void severalMistakes_validate_reportsEveryPathOnceInDocumentOrder() {
    List<Problem> found = problems("{\"id\":\"Bad\",\"run\":{\"cmd\":\"x\",\"args\":[\"y\"],\"cpus\":0,\"mem\":1,"
        + "\"restart\":{\"policy\":\"ALWAYS\",\"activeDeadlineSeconds\":0},"
        + "\"artifacts\":[{\"uri\":\"\"}],"
        + "\"placement\":{\"constraints\":[{\"attribute\":\"host\",\"operator\":\"GROUP_BY\",\"value\":\"x\"},"
        + "{\"attribute\":\"rack\",\"operator\":\"LIKE\",\"value\":\"(\"}]},"
        + "\"volumes\":[{\"containerPath\":\"/data\",\"hostPath\":\"/mnt\",\"mode\":\"RX\"}],"
        + "\"env\":{\"A\":\"1\",\"B\":{\"secret\":\"nope\"}}}}");
    assertThat(found).extracting(Problem::path).containsExactly(
        "/id", "/run", "/run/cpus", "/run/mem", "/run/restart/policy", "/run/restart/activeDeadlineSeconds",
        "/run/env/B", "/run/artifacts/0/uri", "/run/placement/constraints/0/operator",
        "/run/placement/constraints/1/value", "/run/volumes/0/mode");
    assertThat(found.get(4).errors()).containsExactly("'ALWAYS' is not one of NEVER, ON_FAILURE");
    assertThat(found.get(8).errors()).containsExactly("'GROUP_BY' is not one of EQ, IS, LIKE, UNLIKE");
  }

  @Test
  void noCommandArgsOrImage_validate_reportsRun() {
    assertThat(problems("{\"id\":\"a\",\"run\":{}}")).extracting(Problem::path).containsExactly("/run");
    assertThat(problems("{\"id\":\"a\",\"run\":{\"docker\":{\"image\":\"busybox\"}}}")).isEmpty();
  }

  @Test
  void dependencies_selfOrCombinedWithSchedules_reported() {
    JobSpec dependent = job("{\"id\":\"a\",\"run\":{\"cmd\":\"x\"},\"dependencies\":[{\"id\":\"a\"},{\"id\":\"B\"}]}");
    assertThat(Validator.validate(dependent)).extracting(Problem::path)
        .containsExactly("/dependencies/0/id", "/dependencies/1/id");
    JobSpec ok = job("{\"id\":\"a\",\"run\":{\"cmd\":\"x\"},\"dependencies\":[{\"id\":\"b\"}]}");
    assertThat(Validator.validate(ok, List.of(ScheduleSpec.of("nightly", "0 0 * * *"))))
        .containsExactly(new Problem("/dependencies", List.of("a job with dependencies cannot have schedules")));
  }

  @Test
  void minimalSchedule_validate_defaultsFromMetronome() {
    ScheduleSpec s = MetronomeJson.readSchedule("{\"id\":\"nightly\",\"cron\":\"0 2 * * *\"}");
    assertThat(Validator.validate(s)).isEmpty();
    assertThat(s.timezone()).isEqualTo("UTC");
    assertThat(s.startingDeadlineSeconds()).isEqualTo(900);
    assertThat(s.concurrencyPolicy()).isEqualTo("ALLOW");
    assertThat(s.enabled()).isTrue();
  }

  @Test
  void invalidCron_validate_reportsCronWithParserMessage() {
    assertThat(scheduleProblems("{\"id\":\"s\",\"cron\":\"61 * * * *\"}")).containsExactly(
        new Problem("/cron", List.of("Invalid cron '61 * * * *': minute 61 is outside 0-59")));
  }

  @Test
  void unknownTimezone_validate_reportsTimezone() {
    assertThat(scheduleProblems("{\"id\":\"s\",\"cron\":\"* * * * *\",\"timezone\":\"Mars/Olympus\"}"))
        .containsExactly(new Problem("/timezone",
            List.of("Invalid timezone 'Mars/Olympus': not a known IANA time zone")));
    assertThat(scheduleProblems("{\"id\":\"s\",\"cron\":\"* * * * *\",\"timezone\":\"America/Chicago\"}")).isEmpty();
  }

  @Test
  void scheduleLimits_validate_reportDeadlinePolicyAndId() {
    assertThat(scheduleProblems("{\"id\":\"Nightly\",\"cron\":\"* * * * *\",\"startingDeadlineSeconds\":59,"
        + "\"concurrencyPolicy\":\"REPLACE\"}")).extracting(Problem::path)
        .containsExactly("/id", "/startingDeadlineSeconds", "/concurrencyPolicy");
    assertThat(scheduleProblems("{\"cron\":\"* * * * *\",\"startingDeadlineSeconds\":60}"))
        .containsExactly(new Problem("/id", List.of("is required")));
  }
}
