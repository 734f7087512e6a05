package io.mezzo.metronome.api;

import io.mezzo.metronome.core.JobEntry;
import io.mezzo.metronome.model.MetronomeJson;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.JobRunTask;
import io.mezzo.metronome.store.JobHistory;
import io.mezzo.metronome.store.StoredSchedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The JSON documents of the API, in Metronome's shapes. Pure functions of the leader's cached state. */
public final class JobViews {

  private JobViews() {
  }

  /** The job spec with every default spelled out, plus the requested embeds. */
  public static JsonObject job(JobEntry entry, Set<Embed> embeds, Instant now) {
    JsonObject json = new JsonObject(MetronomeJson.write(entry.spec()));
    if (embeds.contains(Embed.ACTIVE_RUNS)) {
      json.put("activeRuns", new JsonArray(entry.liveRuns().stream().<Object>map(JobViews::run).toList()));
    }
    if (embeds.contains(Embed.SCHEDULES)) {
      json.put("schedules", schedules(entry.schedules(), now));
    }
    if (embeds.contains(Embed.HISTORY)) {
      json.put("history", history(entry.history(), true));
    }
    if (embeds.contains(Embed.HISTORY_SUMMARY)) {
      json.put("historySummary", history(entry.history(), false));
    }
    return json;
  }

  /** The v0 scheduled-job document: the spec with its schedules inline. */
  public static JsonObject scheduledJob(JobEntry entry, Instant now) {
    return new JsonObject(MetronomeJson.write(entry.spec())).put("schedules", schedules(entry.schedules(), now));
  }

  public static JsonArray schedules(List<StoredSchedule> schedules, Instant now) {
    return new JsonArray(schedules.stream().<Object>map(s -> schedule(s, now)).toList());
  }

  /** A schedule with its computed {@code nextRunAt} (absent when disabled or when the cron never fires again). */
  public static JsonObject schedule(StoredSchedule stored, Instant now) {
    Instant after = stored.decidedUntil().isAfter(now) ? stored.decidedUntil() : now;
    Instant next = stored.schedule().enabled() ? stored.schedule().nextFireAfter(after) : null;
    return new JsonObject(MetronomeJson.write(stored.schedule().withNextRunAt(next)));
  }

  /** {@code {id, jobId, status, createdAt, completedAt, tasks}}. */
  public static JsonObject run(JobRun run) {
    return new JsonObject()
        .put("id", run.id())
        .put("jobId", run.jobId())
        .put("status", run.status().name())
        .put("createdAt", run.createdAt().toString())
        .put("completedAt", run.completedAt() == null ? null : run.completedAt().toString())
        .put("tasks", tasks(run));
  }

  /** {@code [{id, status, startedAt, completedAt}]}, one per launched attempt. */
  public static JsonArray tasks(JobRun run) {
    return new JsonArray(run.tasks().stream().<Object>map(t -> new JsonObject()
        .put("id", t.id())
        .put("status", t.status())
        .put("startedAt", t.startedAt() == null ? null : t.startedAt().toString())
        .put("completedAt", t.completedAt() == null ? null : t.completedAt().toString())).toList());
  }

  /** {@code embed=history} when {@code full}, else {@code embed=historySummary} (counts and timestamps). */
  public static JsonObject history(JobHistory h, boolean full) {
    JsonObject json = new JsonObject()
        .put("successCount", h.successCount())
        .put("failureCount", h.failureCount())
        .put("lastSuccessAt", h.lastSuccessAt() == null ? null : h.lastSuccessAt().toString())
        .put("lastFailureAt", h.lastFailureAt() == null ? null : h.lastFailureAt().toString());
    if (full) {
      json.put("successfulFinishedRuns", finished(h.successfulFinishedRuns()));
      json.put("failedFinishedRuns", finished(h.failedFinishedRuns()));
    }
    return json;
  }

  private static JsonArray finished(List<JobRun> runs) {
    return new JsonArray(runs.stream().<Object>map(r -> new JsonObject()
        .put("id", r.id())
        .put("createdAt", r.createdAt().toString())
        .put("finishedAt", r.completedAt() == null ? null : r.completedAt().toString())
        .put("tasks", new JsonArray(r.tasks().stream().<Object>map(JobRunTask::id).toList()))).toList());
  }
}
