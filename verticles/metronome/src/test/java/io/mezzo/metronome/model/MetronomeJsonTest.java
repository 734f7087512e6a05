package io.mezzo.metronome.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetronomeJsonTest {

  static Problem invalid(String json) {
    try {
      MetronomeJson.readJob(json);
    } catch (InvalidJsonException e) {
      return e.problem();
    }
    throw new AssertionError("expected InvalidJsonException for " + json);
  }

  @Test
  void brokenJson_read_invalidJsonAtRoot() {
    Problem p = invalid("{\"id\": \"a\", ");
    assertThat(p.path()).isEqualTo("/");
    assertThat(p.errors().get(0)).startsWith("error.invalid.json at line 1");
    assertThat(invalid("").errors()).containsExactly("error.expected.jsobject");
    assertThat(invalid("[]").path()).isEqualTo("/");
    assertThat(invalid("{\"id\":\"a\"} {}").path()).isEqualTo("/");
  }

  @Test
  void wrongTypes_read_invalidJsonWithPointer() {
    assertThat(invalid("{\"id\":\"a\",\"run\":{\"mem\":\"lots\"}}"))
        .isEqualTo(new Problem("/run/mem", List.of("error.expected.jsnumber")));
    assertThat(invalid("{\"id\":5}")).isEqualTo(new Problem("/id", List.of("error.expected.jsstring")));
    assertThat(invalid("{\"id\":\"a\",\"run\":{\"gpus\":1.5}}").path()).isEqualTo("/run/gpus");
    assertThat(invalid("{\"id\":\"a\",\"run\":{\"artifacts\":[{\"uri\":\"u\",\"extract\":\"yes\"}]}}"))
        .isEqualTo(new Problem("/run/artifacts/0/extract", List.of("error.expected.jsboolean")));
    assertThat(invalid("{\"id\":\"a\",\"run\":{\"cmd\":\"x\",\"colour\":\"red\"}}"))
        .isEqualTo(new Problem("/run/colour", List.of("error.unknown.property")));
  }

  @Test
  void invalidJsonException_body_isMetronomeShape() {
    assertThatThrownBy(() -> MetronomeJson.readJob("nope"))
        .asInstanceOf(type(InvalidJsonException.class))
        .extracting(e -> MetronomeJson.write(e.body()))
        .asString()
        .startsWith("{\"message\":\"Invalid JSON\",\"details\":[{\"path\":\"/\",\"errors\":[\"error.invalid.json");
  }

  @Test
  void validationErrors_writeBody_matchesMetronomeShapeExactly() {
    String body = MetronomeJson.write(ErrorBody.notValid(List.of(new Problem("/run/mem", List.of("is less than 32")))));
    assertThat(body).isEqualTo(
        "{\"message\":\"Object is not valid\",\"details\":[{\"path\":\"/run/mem\",\"errors\":[\"is less than 32\"]}]}");
  }

  @Test
  void fullJob_roundTrip_keepsCamelCaseFieldsAndStoresDockerAndEnvSecrets() {
    String in = "{\"id\":\"etl.nightly\",\"description\":\"d\",\"labels\":{\"team\":\"data\"},"
        + "\"run\":{\"cmd\":\"run.sh\",\"cpus\":0.5,\"mem\":256,\"disk\":10,\"gpus\":1,"
        + "\"env\":{\"A\":\"1\",\"PW\":{\"secret\":\"pw\"}},\"secrets\":{\"pw\":{\"source\":\"db/pw\"}},"
        + "\"artifacts\":[{\"uri\":\"https://x/y.tgz\"}],\"user\":\"nobody\","
        + "\"placement\":{\"constraints\":[{\"attribute\":\"rack\",\"operator\":\"LIKE\",\"value\":\"r[12]\"}]},"
        + "\"restart\":{\"policy\":\"ON_FAILURE\",\"activeDeadlineSeconds\":120},\"maxLaunchDelay\":600,"
        + "\"taskKillGracePeriodSeconds\":5,\"volumes\":[{\"containerPath\":\"/d\",\"hostPath\":\"/mnt\",\"mode\":\"RO\"}],"
        + "\"docker\":{\"image\":\"busybox\",\"parameters\":[{\"key\":\"label\",\"value\":\"a=b\"}]}}}";
    JobSpec job = MetronomeJson.readJob(in);
    assertThat(Validator.validate(job)).isEmpty();
    String out = MetronomeJson.write(job);
    assertThat(out).contains("\"activeDeadlineSeconds\":120", "\"taskKillGracePeriodSeconds\":5",
        "\"maxLaunchDelay\":600", "\"forcePullImage\":false", "\"extract\":true", "\"executable\":false",
        "\"PW\":{\"secret\":\"pw\"}");
    assertThat(MetronomeJson.readJob(out)).isEqualTo(job);
  }

  @Test
  void schedule_nextRunAt_writtenAsIsoInstant() {
    ScheduleSpec s = ScheduleSpec.of("nightly", "0 2 * * *").withNextRunAt(Instant.parse("2026-01-02T02:00:00Z"));
    assertThat(MetronomeJson.write(s)).isEqualTo("{\"id\":\"nightly\",\"cron\":\"0 2 * * *\",\"timezone\":\"UTC\","
        + "\"startingDeadlineSeconds\":900,\"concurrencyPolicy\":\"ALLOW\",\"enabled\":true,"
        + "\"nextRunAt\":\"2026-01-02T02:00:00Z\"}");
    assertThat(s.nextFireAfter(Instant.parse("2026-01-02T02:00:00Z"))).isEqualTo("2026-01-03T02:00:00Z");
  }
}
