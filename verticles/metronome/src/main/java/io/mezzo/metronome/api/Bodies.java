package io.mezzo.metronome.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.metronome.core.Failures;
import io.mezzo.metronome.model.InvalidJsonException;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.MetronomeJson;
import io.mezzo.metronome.model.Problem;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.model.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies to validated specs. Unreadable JSON or a wrong shape is a 400 {@code Invalid JSON}, wrong values a
 * 422 {@code Object is not valid}; both with JSON pointers into the submitted document.
 */
final class Bodies {

  /** A v0 scheduled job: the spec and its inline schedules. */
  record ScheduledJob(JobSpec job, List<ScheduleSpec> schedules) {
  }

  private Bodies() {
  }

  /** A job; {@code pathId} (PUT) fills a missing id and must equal a given one. */
  static JobSpec job(String body, String pathId) {
    JobSpec job = parse(() -> MetronomeJson.readJob(body), "");
    return checkedJob(job, pathId);
  }

  static ScheduleSpec schedule(String body, String pathId) {
    ScheduleSpec schedule = parse(() -> MetronomeJson.readSchedule(body), "");
    if (pathId != null && schedule.id() == null) {
      schedule = new ScheduleSpec(pathId, schedule.cron(), schedule.timezone(), schedule.startingDeadlineSeconds(),
          schedule.concurrencyPolicy(), schedule.enabled(), null);
    }
    List<Problem> problems = new ArrayList<>(Validator.validate(schedule));
    if (pathId != null && schedule.id() != null && !pathId.equals(schedule.id())) {
      problems.add(0, new Problem("/id", List.of("must equal the schedule id in the path '" + pathId + "'")));
    }
    if (!problems.isEmpty()) {
      throw Failures.notValid(problems);
    }
    return schedule;
  }

  /** A v0 document: the job fields plus {@code "schedules": [...]}. */
  static ScheduledJob scheduledJob(String body, String pathId) {
    JsonNode tree = parse(() -> MetronomeJson.read(body, JsonNode.class), "");
    if (!(tree instanceof ObjectNode object)) {
      throw Failures.invalidJson(List.of(new Problem("/", List.of("error.expected.jsobject"))));
    }
    JsonNode schedulesNode = object.remove("schedules");
    if (schedulesNode != null && !schedulesNode.isArray() && !schedulesNode.isNull()) {
      throw Failures.invalidJson(List.of(new Problem("/schedules", List.of("error.expected.jsarray"))));
    }
    JobSpec job = parse(() -> MetronomeJson.readJob(object.toString()), "");
    List<ScheduleSpec> schedules = new ArrayList<>();
    if (schedulesNode != null && schedulesNode.isArray()) {
      for (int i = 0; i < schedulesNode.size(); i++) {
        String text = schedulesNode.get(i).toString();
        schedules.add(parse(() -> MetronomeJson.readSchedule(text), "/schedules/" + i));
      }
    }
    List<Problem> problems = new ArrayList<>(jobProblems(job, pathId));
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < schedules.size(); i++) {
      for (Problem p : Validator.validate(schedules.get(i))) {
        problems.add(new Problem("/schedules/" + i + p.path(), p.errors()));
      }
      String id = schedules.get(i).id();
      if (id != null && !ids.add(id)) {
        problems.add(new Problem("/schedules/" + i + "/id", List.of("schedule id '" + id + "' is used twice")));
      }
    }
    if (!problems.isEmpty()) {
      throw Failures.notValid(problems);
    }
    return new ScheduledJob(withId(job, pathId), schedules);
  }

  private static JobSpec checkedJob(JobSpec job, String pathId) {
    List<Problem> problems = jobProblems(job, pathId);
    if (!problems.isEmpty()) {
      throw Failures.notValid(problems);
    }
    return withId(job, pathId);
  }

  private static List<Problem> jobProblems(JobSpec job, String pathId) {
    JobSpec filled = withId(job, pathId);
    List<Problem> problems = new ArrayList<>(Validator.validate(filled));
    if (pathId != null && job.id() != null && !pathId.equals(job.id())) {
      problems.add(0, new Problem("/id", List.of("must equal the job id in the path '" + pathId + "'")));
    }
    return problems;
  }

  private static JobSpec withId(JobSpec job, String pathId) {
    if (pathId == null || job.id() != null) {
      return job;
    }
    return new JobSpec(pathId, job.description(), job.labels(), job.run(), job.dependencies());
  }

  private static <T> T parse(java.util.function.Supplier<T> read, String prefix) {
    try {
      return read.get();
    } catch (InvalidJsonException e) {
      Problem p = e.problem();
      String path = prefix.isEmpty() ? p.path() : prefix + ("/".equals(p.path()) ? "" : p.path());
      throw Failures.invalidJson(List.of(new Problem(path, p.errors())));
    }
  }
}
