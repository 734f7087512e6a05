package io.mezzo.metronome;

import io.mezzo.master.sim.SimulatedAgent;
import io.mezzo.metronome.MetronomeFixture.Instance;
import io.mezzo.metronome.mesos.MesosRunLauncher;
import io.mezzo.metronome.schedule.JobRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * Issue 6's benchmark: N jobs (10,000) each scheduled every minute ({@code * * * * *}), on one real master with
 * simulated agents, Metronome with the Mesos launcher and the system clock. For each measured minute it records,
 * per scheduled run, the lateness of its task launch (the moment the ACCEPT carrying it is issued) and of the
 * first TASK_RUNNING update Metronome receives for it, against the cron time, and prints p50/p99/max beside
 * Metronome's documented tolerance (the starting deadline, 900 s by default). Tasks finish
 * 5 s after they run. Everything (ZooKeeper, master, agents, Metronome) shares this JVM.
 *
 * <pre>java ... io.mezzo.metronome.MetronomeBenchmark [jobs=10000] [minutes=2] [agents=50] [tick_ms=1000]
 *     [allocation_ms=1000]</pre>
 */
public final class MetronomeBenchmark {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new ConcurrentHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int jobs = Integer.parseInt(opts.getOrDefault("jobs", "10000"));
    int minutes = Integer.parseInt(opts.getOrDefault("minutes", "2"));
    int agentCount = Integer.parseInt(opts.getOrDefault("agents", "50"));
    int tickMs = Integer.parseInt(opts.getOrDefault("tick_ms", "1000"));
    int allocationMs = Integer.parseInt(opts.getOrDefault("allocation_ms", "1000"));
    Logger.getLogger("").setLevel(Level.WARNING);
    for (var h : Logger.getLogger("").getHandlers()) {
      h.setLevel(Level.WARNING);
    }

    Map<Instant, ConcurrentLinkedQueue<Long>> lateness = new ConcurrentHashMap<>();
    // first TASK_RUNNING per run; a scheduled run's id starts with its fire time (yyyyMMddHHmmss, UTC)
    Map<String, Instant> running = new ConcurrentHashMap<>();
    Path dir = Files.createTempDirectory("metronome-bench");
    try (MesosCluster cluster = new MesosCluster(new MetronomeFixture(dir, 2000, Duration.ofSeconds(30)), new JsonObject().put("allocation_interval_ms", allocationMs),
        new MesosRunLauncher.LaunchObserver() {
          @Override
          public void launched(JobRun run, Instant at) {
            if (run.trigger() != null) {
              lateness.computeIfAbsent(run.trigger().scheduledAt(), k -> new ConcurrentLinkedQueue<>())
                  .add(Duration.between(run.trigger().scheduledAt(), at).toMillis());
            }
          }

          @Override
          public void running(String jobId, String runId, Instant at) {
            running.putIfAbsent(jobId + "/" + runId, at);
          }
        })) {
      List<SimulatedAgent> agents = new ArrayList<>();
      for (int i = 0; i < agentCount; i++) {
        // a real agent first resends an unacknowledged update after 10 s
        agents.add(cluster.agent("agent-" + i + ".bench", "cpus:64;mem:131072;disk:100000", 10_000));
      }
      Instance m = cluster.metronome(Clock.systemUTC(), new JsonObject().put("scheduler_tick_ms", tickMs)
          .put("history_count", 10));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (cluster.fx.get(m.url("/v1/jobs")).statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }

      long created = System.nanoTime();
      createJobs(m, jobs);
      System.err.printf("created %d jobs with schedules in %.1f s%n", jobs, (System.nanoTime() - created) / 1e9);

      // tasks run for up to 5 s; the timer is set on the agents' context, where they must be called
      cluster.onAgents(() -> Future.succeededFuture(cluster.fx.vertx.setPeriodic(5000, id -> {
        for (SimulatedAgent a : agents) {
          for (Task t : List.copyOf(a.tasks().values())) {
            if (t.getState() == TaskState.TASK_RUNNING) {
              a.finish(t.getFrameworkId().getValue(), t.getTaskId().getValue(), TaskState.TASK_FINISHED);
            }
          }
        }
      })));

      // measured minutes start at least 20 s after the last job was created, so that creating 10,000 jobs does
      // not overlap the first measured fire time
      Instant first = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < minutes; i++) {
        Instant minute = first.plus(Duration.ofMinutes(i));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), minute.plusSeconds(55)).toMillis()));
        List<Long> values = new ArrayList<>(lateness.getOrDefault(minute, new ConcurrentLinkedQueue<>()));
        Collections.sort(values);
        String prefix = RUN_ID_TIME.format(minute);
        List<Long> runningLate = new ArrayList<>();
        running.forEach((run, at) -> {
          if (run.substring(run.indexOf('/') + 1).startsWith(prefix)) {
            runningLate.add(Duration.between(minute, at).toMillis());
          }
        });
        Collections.sort(runningLate);
        rows.add(String.format("| %s | %d / %d | %s | %s | %s | %d | %s | %s | %s | 900 s (starting deadline) |",
            minute, values.size(), jobs, pct(values, 0.50), pct(values, 0.99), max(values), runningLate.size(),
            pct(runningLate, 0.50), pct(runningLate, 0.99), max(runningLate)));
        System.err.println(rows.get(rows.size() - 1));
      }
      System.out.printf("%n%d jobs `* * * * *`, %d simulated agents, scheduler_tick_ms %d, master allocation_interval_ms %d,"
          + " %d cores%n%n", jobs, agentCount, tickMs, allocationMs, Runtime.getRuntime().availableProcessors());
      System.out.println("| Cron time (UTC) | Runs launched in 55 s | ACCEPT lateness p50 | p99 | max "
          + "| Runs reported running | TASK_RUNNING lateness p50 | p99 | max | Metronome's tolerance |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      rows.forEach(System.out::println);
    }
    System.exit(0);
  }

  private static void createJobs(Instance m, int jobs) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger failed = new AtomicInteger();
    List<java.util.concurrent.Future<?>> all = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      String body = "{\"id\":\"bench.job-" + i + "\",\"run\":{\"cmd\":\"true\",\"cpus\":0.01,\"mem\":32},"
          + "\"schedules\":[{\"id\":\"every-minute\",\"cron\":\"* * * * *\"}]}";
      all.add(pool.submit(() -> {
        HttpRequest req = HttpRequest.newBuilder(URI.create(m.url("/v0/scheduled-jobs")))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          failed.incrementAndGet();
        }
        return null;
      }));
    }
    for (var f : all) {
      f.get();
    }
    pool.shutdown();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " jobs were not created");
    }
  }

  private static final java.time.format.DateTimeFormatter RUN_ID_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC);

  private static String max(List<Long> sorted) {
    return sorted.isEmpty() ? "-" : ms(sorted.get(sorted.size() - 1));
  }

  private static String pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return "-";
    }
    return ms(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
  }

  private static String ms(long millis) {
    return millis < 10_000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }
}
