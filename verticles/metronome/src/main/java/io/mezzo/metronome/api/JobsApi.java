package io.mezzo.metronome.api;

import io.mezzo.common.http.ApiException;
import io.mezzo.metronome.core.Failures;
import io.mezzo.metronome.core.JobEntry;
import io.mezzo.metronome.core.JobManager;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.model.ScheduleSpec;
import io.mezzo.metronome.schedule.JobRun;
import io.mezzo.metronome.schedule.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Metronome's job API ({@code /v1/jobs...}, {@code /v0/scheduled-jobs...}, {@code /v1/queue}) over the leader's
 * {@link JobManager}. Handlers run on the verticle's event loop; failures are {@code ApiException}s rendered by the
 * router's one failure handler.
 */
public final class JobsApi {

  private record Reply(int status, Object body) {
  }

  @FunctionalInterface
  private interface Action {
    Future<Reply> run(RoutingContext ctx, JobManager jobs);
  }

  private final Supplier<JobManager> leader;

  /** @param leader the manager while this instance leads with its state loaded; throws a 503 otherwise */
  public JobsApi(Supplier<JobManager> leader) {
    this.leader = leader;
  }

  public void mount(Router router) {
    router.get("/v1/jobs").handler(h((ctx, m) -> ok(new JsonArray(m.jobs().stream()
        .<Object>map(e -> JobViews.job(e, embeds(ctx), m.now())).toList()))));
    router.post("/v1/jobs").handler(h((ctx, m) -> {
      JobSpec spec = Bodies.job(body(ctx), null);
      return m.createJob(spec, List.of()).map(e -> new Reply(201, JobViews.job(e, Set.of(), m.now())));
    }));
    router.get("/v1/jobs/:jobId").handler(h((ctx, m) -> ok(JobViews.job(m.require(jobId(ctx)), embeds(ctx), m.now()))));
    router.put("/v1/jobs/:jobId").handler(h((ctx, m) -> {
      JobSpec spec = Bodies.job(body(ctx), jobId(ctx));
      m.require(spec.id());
      return m.replaceJob(spec, Optional.empty()).map(e -> new Reply(200, JobViews.job(e, Set.of(), m.now())));
    }));
    router.delete("/v1/jobs/:jobId").handler(h((ctx, m) -> m.deleteJob(jobId(ctx), flag(ctx, "stopCurrentJobRuns"))
        .map(e -> new Reply(200, JobViews.job(e, Set.of(), m.now())))));

    router.get("/v1/jobs/:jobId/runs").handler(h((ctx, m) -> ok(new JsonArray(m.require(jobId(ctx)).liveRuns().stream()
        .<Object>map(JobViews::run).toList()))));
    router.post("/v1/jobs/:jobId/runs").handler(h((ctx, m) -> m.startRun(jobId(ctx))
        .map(run -> new Reply(201, JobViews.run(run)))));
    router.get("/v1/jobs/:jobId/runs/:runId").handler(h((ctx, m) -> {
      String runId = ctx.pathParam("runId");
      JobRun run = m.require(jobId(ctx)).run(runId).orElseThrow(() -> Failures.runNotFound(jobId(ctx), runId));
      return ok(JobViews.run(run));
    }));
    router.post("/v1/jobs/:jobId/runs/:runId/actions/stop").handler(h((ctx, m) ->
        m.stopRun(jobId(ctx), ctx.pathParam("runId")).map(run -> new Reply(200, JobViews.run(run)))));

    router.get("/v1/jobs/:jobId/schedules").handler(h((ctx, m) ->
        ok(JobViews.schedules(m.require(jobId(ctx)).schedules(), m.now()))));
    router.post("/v1/jobs/:jobId/schedules").handler(h((ctx, m) -> {
      m.require(jobId(ctx));
      ScheduleSpec spec = Bodies.schedule(body(ctx), null);
      return m.addSchedule(jobId(ctx), spec).map(s -> new Reply(201, JobViews.schedule(s, m.now())));
    }));
    router.get("/v1/jobs/:jobId/schedules/:scheduleId").handler(h((ctx, m) -> {
      String sid = ctx.pathParam("scheduleId");
      JobEntry entry = m.require(jobId(ctx));
      return ok(JobViews.schedule(entry.schedule(sid).orElseThrow(() -> Failures.scheduleNotFound(entry.id(), sid)),
          m.now()));
    }));
    router.put("/v1/jobs/:jobId/schedules/:scheduleId").handler(h((ctx, m) -> {
      JobEntry entry = m.require(jobId(ctx));
      String sid = ctx.pathParam("scheduleId");
      entry.schedule(sid).orElseThrow(() -> Failures.scheduleNotFound(entry.id(), sid));
      ScheduleSpec spec = Bodies.schedule(body(ctx), sid);
      return m.replaceSchedule(entry.id(), spec).map(s -> new Reply(200, JobViews.schedule(s, m.now())));
    }));
    router.delete("/v1/jobs/:jobId/schedules/:scheduleId").handler(h((ctx, m) ->
        m.deleteSchedule(jobId(ctx), ctx.pathParam("scheduleId")).map(s -> new Reply(200, JobViews.schedule(s, m.now())))));

    router.get("/v0/scheduled-jobs").handler(h((ctx, m) -> ok(new JsonArray(m.jobs().stream()
        .<Object>map(e -> JobViews.scheduledJob(e, m.now())).toList()))));
    router.post("/v0/scheduled-jobs").handler(h((ctx, m) -> {
      Bodies.ScheduledJob sj = Bodies.scheduledJob(body(ctx), null);
      return m.createJob(sj.job(), sj.schedules()).map(e -> new Reply(201, JobViews.scheduledJob(e, m.now())));
    }));
    router.get("/v0/scheduled-jobs/:jobId").handler(h((ctx, m) -> ok(JobViews.scheduledJob(m.require(jobId(ctx)), m.now()))));
    router.put("/v0/scheduled-jobs/:jobId").handler(h((ctx, m) -> {
      m.require(jobId(ctx));
      Bodies.ScheduledJob sj = Bodies.scheduledJob(body(ctx), jobId(ctx));
      return m.replaceJob(sj.job(), Optional.of(sj.schedules()))
          .map(e -> new Reply(200, JobViews.scheduledJob(e, m.now())));
    }));

    router.get("/v1/queue").handler(h((ctx, m) -> {
      JsonArray queue = new JsonArray();
      for (JobEntry entry : m.jobs()) {
        List<Object> waiting = entry.liveRuns().stream().filter(r -> r.status() == RunStatus.INITIAL)
            .<Object>map(r -> new JsonObject().put("runId", r.id())).toList();
        if (!waiting.isEmpty()) {
          queue.add(new JsonObject().put("jobId", entry.id()).put("runs", new JsonArray(waiting)));
        }
      }
      return ok(queue);
    }));
  }

  private Handler<RoutingContext> h(Action action) {
    return ctx -> {
      try {
        action.run(ctx, leader.get())
            .onSuccess(reply -> ctx.response().setStatusCode(reply.status())
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(reply.body() instanceof JsonObject o ? o.encode() : ((JsonArray) reply.body()).encode()))
            .onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  private static Future<Reply> ok(Object body) {
    return Future.succeededFuture(new Reply(200, body));
  }

  private static String jobId(RoutingContext ctx) {
    return ctx.pathParam("jobId");
  }

  private static String body(RoutingContext ctx) {
    return ctx.body().asString();
  }

  private static Set<Embed> embeds(RoutingContext ctx) {
    return Embed.parse(ctx.queryParam("embed"));
  }

  private static boolean flag(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return false;
    }
    return switch (values.get(0)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ApiException(400, "Query parameter '" + name + "' must be true or false, got '"
          + values.get(0) + "'");
    };
  }
}
