package io.mezzo.metronome.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.mezzo.metronome.cron.CronException;
import io.mezzo.metronome.cron.CronSpec;
import io.mezzo.metronome.model.JobRunSpec.Artifact;
import io.mezzo.metronome.model.JobRunSpec.Constraint;
import io.mezzo.metronome.model.JobRunSpec.Volume;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks job and schedule specs against Metronome's rules and reports every problem at once, grouped by JSON
 * pointer in document order. An empty list means valid. Stateless and thread-safe.
 */
public final class Validator {

  /** Metronome's job id: dot-separated segments of lower-case letters and digits, dashes only inside a segment. */
  public static final Pattern JOB_ID =
      Pattern.compile("^([a-z0-9]+(-+[a-z0-9]+)*)(\\.([a-z0-9]+(-+[a-z0-9]+)*))*$");
  /** A schedule id is one such segment. */
  public static final Pattern SCHEDULE_ID = Pattern.compile("^[a-z0-9]+(-+[a-z0-9]+)*$");

  static final String REQUIRED = "is required";
  static final String ID_RULE = "must match " + JOB_ID.pattern()
      + ": lower-case letters, digits and dashes, dot-separated, no leading or trailing dash";

  private static final Set<String> CONSTRAINT_OPERATORS = Set.of("IS", "EQ", "LIKE", "UNLIKE");
  private static final Set<String> RESTART_POLICIES = Set.of("NEVER", "ON_FAILURE");
  private static final Set<String> CONCURRENCY_POLICIES = Set.of("ALLOW", "FORBID");
  private static final Set<String> VOLUME_MODES = Set.of("RO", "RW");

  private Validator() {
  }

  public static List<Problem> validate(JobSpec job) {
    Problems p = new Problems();
    if (job.id() == null) {
      p.add("/id", REQUIRED);
    } else if (!JOB_ID.matcher(job.id()).matches()) {
      p.add("/id", ID_RULE);
    }
    if (job.run() == null) {
      p.add("/run", REQUIRED);
    } else {
      run(job.run(), p);
    }
    for (int i = 0; i < job.dependencies().size(); i++) {
      String dep = job.dependencies().get(i) == null ? null : job.dependencies().get(i).id();
      String path = "/dependencies/" + i + "/id";
      if (dep == null) {
        p.add(path, REQUIRED);
      } else if (!JOB_ID.matcher(dep).matches()) {
        p.add(path, ID_RULE);
      } else if (dep.equals(job.id())) {
        p.add(path, "a job cannot depend on itself");
      }
    }
    return p.toList();
  }

  /** Checks that a job with dependencies has no schedules: Metronome does not allow both. */
  public static List<Problem> validate(JobSpec job, List<ScheduleSpec> schedules) {
    List<Problem> problems = new ArrayList<>(validate(job));
    if (!job.dependencies().isEmpty() && !schedules.isEmpty()) {
      problems.add(new Problem("/dependencies", List.of("a job with dependencies cannot have schedules")));
    }
    return problems;
  }

  public static List<Problem> validate(ScheduleSpec schedule) {
    Problems p = new Problems();
    if (schedule.id() == null) {
      p.add("/id", REQUIRED);
    } else if (!SCHEDULE_ID.matcher(schedule.id()).matches()) {
      p.add("/id", "must match " + SCHEDULE_ID.pattern()
          + ": lower-case letters, digits and dashes, no leading or trailing dash");
    }
    if (schedule.cron() == null) {
      p.add("/cron", REQUIRED);
    } else {
      try {
        CronSpec.parse(schedule.cron());
      } catch (CronException e) {
        p.add("/cron", e.getMessage());
      }
    }
    try {
      ZoneId.of(schedule.timezone());
    } catch (DateTimeException e) {
      p.add("/timezone", "Invalid timezone '" + schedule.timezone() + "': not a known IANA time zone");
    }
    if (schedule.startingDeadlineSeconds() < ScheduleSpec.MIN_STARTING_DEADLINE_SECONDS) {
      p.add("/startingDeadlineSeconds", "is less than " + ScheduleSpec.MIN_STARTING_DEADLINE_SECONDS);
    }
    oneOf(p, "/concurrencyPolicy", schedule.concurrencyPolicy(), CONCURRENCY_POLICIES);
    return p.toList();
  }

  private static void run(JobRunSpec run, Problems p) {
    boolean hasImage = (run.docker() != null && run.docker().image() != null)
        || (run.ucr() != null && run.ucr().path("image").hasNonNull("id"));
    if (run.cmd() != null && run.args() != null) {
      p.add("/run", "only one of cmd and args may be given");
    } else if (run.cmd() == null && run.args() == null && !hasImage) {
      p.add("/run", "one of cmd, args or a docker/ucr image is required");
    }
    if (run.cmd() != null && run.cmd().isBlank()) {
      p.add("/run/cmd", "must not be empty");
    }
    if (run.cpus() < 0.01) {
      p.add("/run/cpus", "is less than 0.01");
    }
    if (run.mem() < 32) {
      p.add("/run/mem", "is less than 32");
    }
    if (run.disk() < 0) {
      p.add("/run/disk", "is less than 0");
    }
    if (run.gpus() < 0) {
      p.add("/run/gpus", "is less than 0");
    }
    if (run.maxLaunchDelay() < 1) {
      p.add("/run/maxLaunchDelay", "is less than 1");
    }
    if (run.taskKillGracePeriodSeconds() != null && run.taskKillGracePeriodSeconds() < 1) {
      p.add("/run/taskKillGracePeriodSeconds", "is less than 1");
    }
    oneOf(p, "/run/restart/policy", run.restart().policy(), RESTART_POLICIES);
    Long deadline = run.restart().activeDeadlineSeconds();
    if (deadline != null && deadline < 1) {
      p.add("/run/restart/activeDeadlineSeconds", "is less than 1");
    }
    if (run.docker() != null && (run.docker().image() == null || run.docker().image().isBlank())) {
      p.add("/run/docker/image", REQUIRED);
    }
    env(run, p);
    artifacts(run.artifacts(), p);
    constraints(run.placement().constraints(), p);
    volumes(run.volumes(), p);
  }

  private static void env(JobRunSpec run, Problems p) {
    for (Map.Entry<String, JsonNode> e : run.env().entrySet()) {
      String path = "/run/env/" + e.getKey().replace("~", "~0").replace("/", "~1");
      JsonNode value = e.getValue();
      if (e.getKey().isEmpty()) {
        p.add("/run/env", "variable names must not be empty");
      } else if (value == null || !(value.isTextual() || (value.isObject() && value.size() == 1
          && value.path("secret").isTextual()))) {
        p.add(path, "must be a string or {\"secret\": \"<secret name>\"}");
      } else if (value.isObject() && (run.secrets() == null || !run.secrets().has(value.get("secret").asText()))) {
        p.add(path, "refers to secret '" + value.get("secret").asText() + "' that is not defined in /run/secrets");
      }
    }
  }

  private static void artifacts(List<Artifact> artifacts, Problems p) {
    for (int i = 0; i < artifacts.size(); i++) {
      Artifact a = artifacts.get(i);
      if (a == null || a.uri() == null || a.uri().isBlank()) {
        p.add("/run/artifacts/" + i + "/uri", REQUIRED);
      }
    }
  }

  private static void constraints(List<Constraint> constraints, Problems p) {
    for (int i = 0; i < constraints.size(); i++) {
      String base = "/run/placement/constraints/" + i;
      Constraint c = constraints.get(i);
      if (c == null) {
        p.add(base, REQUIRED);
        continue;
      }
      if (c.attribute() == null || c.attribute().isBlank()) {
        p.add(base + "/attribute", REQUIRED);
      }
      if (c.operator() == null) {
        p.add(base + "/operator", REQUIRED);
      } else {
        oneOf(p, base + "/operator", c.operator(), CONSTRAINT_OPERATORS);
      }
      if (c.value() == null) {
        p.add(base + "/value", REQUIRED);
      } else if ("LIKE".equals(c.operator()) || "UNLIKE".equals(c.operator())) {
        try {
          Pattern.compile(c.value());
        } catch (PatternSyntaxException e) {
          p.add(base + "/value", "is not a valid regular expression: " + e.getDescription());
        }
      }
    }
  }

  private static void volumes(List<Volume> volumes, Problems p) {
    for (int i = 0; i < volumes.size(); i++) {
      String base = "/run/volumes/" + i;
      Volume v = volumes.get(i);
      if (v == null) {
        p.add(base, REQUIRED);
        continue;
      }
      if (v.containerPath() == null || v.containerPath().isBlank()) {
        p.add(base + "/containerPath", REQUIRED);
      }
      if (v.secret() != null) {
        if (v.hostPath() != null || v.mode() != null) {
          p.add(base, "a secret volume has no hostPath or mode");
        }
      } else {
        if (v.hostPath() == null || v.hostPath().isBlank()) {
          p.add(base + "/hostPath", REQUIRED);
        }
        if (v.mode() == null) {
          p.add(base + "/mode", REQUIRED);
        } else {
          oneOf(p, base + "/mode", v.mode(), VOLUME_MODES);
        }
      }
    }
  }

  private static void oneOf(Problems p, String path, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      p.add(path, "'" + value + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
  }

  /** Collects messages per path, keeping the order in which paths were first reported. */
  private static final class Problems {
    private final Map<String, List<String>> byPath = new LinkedHashMap<>();

    void add(String path, String error) {
      byPath.computeIfAbsent(path, k -> new ArrayList<>()).add(error);
    }

    List<Problem> toList() {
      return byPath.entrySet().stream().map(e -> new Problem(e.getKey(), e.getValue())).toList();
    }
  }
}
