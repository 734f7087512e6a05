package io.mezzo.agent;

import io.mezzo.mesos.proto.Resources;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * {@code scripts/bench/agent}: N real {@code sleep} tasks (default 1,000) on one agent through the
 * master. The agent runs as a process of its own (as in production) on a clustered event bus with
 * a real master and ZooKeeper in this JVM; a v1 framework launches every task in one ACCEPT and
 * kills them all at once. Measures the time until the framework saw every TASK_RUNNING, the time
 * from the KILL calls until every TASK_KILLED, the agent process's resident memory with all tasks
 * running, and the memory of the per-task supervisors. Prints a Markdown table.
 */
public final class AgentBenchmark {
  private AgentBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.tasks", 1000);
    Path dir = Files.createTempDirectory("mezzo-agent-bench");
    ClusterFixture cluster = new ClusterFixture(dir, true);
    Process agent = null;
    V1Client framework = null;
    try {
      JsonObject config = new JsonObject().put("port", 0).put("cgroups_root", cluster.cgroupsRoot).put("isolation", "cgroups")
          .put("resources", "cpus:" + Math.max(4, n / 50) + ";mem:" + (n * 32 + 1024) + ";disk:10000;ports:[31000-32000]");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xms32m", "-Xmx1g",
          "-XX:TieredStopAtLevel=1")); // as scripts/render-units runs an agent
      String extra = System.getProperty("bench.agentJvm", "");
      if (!extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentProcessMain.class.getName(), cluster.zkUrl(),
          dir.resolve("agent").toString(), config.encode()));
      agent = new ProcessBuilder(command).redirectError(dir.resolve("agent.log").toFile()).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("REGISTERED ")) {
        // wait for registration
      }
      // protobuf, as Mesos's own v1 scheduler library speaks by default; -Dbench.json=true for a JSON framework
      framework = new V1Client(cluster.masterUrl(), !Boolean.getBoolean("bench.json"));
      framework.subscribe(FrameworkInfo.newBuilder().setUser("root").setName("agent-bench").build());
      int bursts = Integer.getInteger("bench.bursts", 2);
      System.out.printf("| burst | tasks | all STARTING | all RUNNING | agent: 1st STARTING → last RUNNING | CPU until all RUNNING: agent"
          + " | master, ZK, framework | all KILLED | agent: kill calls → last KILLED | cgroups empty | agent RSS (JVM)"
          + " | agent CPU, all running | task processes | their PSS | failed |%n");
      System.out.printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
      for (int burst = 1; burst <= bursts; burst++) {
        burst(framework, agent, cluster, n, burst);
      }
    } finally {
      if (framework != null) {
        framework.close();
      }
      if (agent != null) {
        agent.destroy();
        agent.waitFor(60, TimeUnit.SECONDS);
        agent.destroyForcibly();
      }
      cluster.close();
      Checkpoints.deleteTree(dir);
    }
    System.exit(0);
  }

  /**
   * One burst: n tasks launched in one ACCEPT, all killed once all run; prints a table row. The
   * first burst meets JVMs that have just started (the agent's and the master's code not yet
   * compiled); later bursts meet warm ones, as a long-running agent is.
   */
  private static void burst(V1Client framework, Process agent, ClusterFixture cluster, int n, int burst) throws Exception {
    String prefix = "b" + burst + "-sleep-";
    Offer offer = offer(framework, n);
    Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
    for (int i = 0; i < n; i++) {
      launch.addTaskInfos(TaskInfo.newBuilder().setName(prefix + i).setTaskId(TaskID.newBuilder().setValue(prefix + i))
          .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 3600"))
          .addAllResources(Resources.parse("cpus:0.01;mem:32", "*")));
    }
    long agentCpu0 = cpuMillis(agent.pid());
    long ownCpu0 = cpuMillis(ProcessHandle.current().pid());
    java.util.Map<String, Long> at0 = threads(agent.pid()), mt0 = threads(ProcessHandle.current().pid());
    long t0 = System.nanoTime();
    double acceptEpoch = System.currentTimeMillis() / 1000.0;
    int accepted = framework.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
        .addOfferIds(offer.getId()).addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(launch)).setFilters(Filters.newBuilder().setRefuseSeconds(3600))).build());
    if (accepted != 202) {
      throw new IllegalStateException("ACCEPT answered " + accepted);
    }
    V1Client fw = framework;
    await(() -> fw.tasksIn(prefix, TaskState.TASK_STARTING) + fw.tasksIn(prefix, TaskState.TASK_FAILED) >= n, Duration.ofMinutes(5));
    double starting = (System.nanoTime() - t0) / 1e9;
    await(() -> fw.tasksIn(prefix, TaskState.TASK_RUNNING) + fw.tasksIn(prefix, TaskState.TASK_FAILED) >= n, Duration.ofMinutes(5));
    double running = (System.nanoTime() - t0) / 1e9;
    double agentCpu = (cpuMillis(agent.pid()) - agentCpu0) / 1000.0;
    double ownCpu = (cpuMillis(ProcessHandle.current().pid()) - ownCpu0) / 1000.0;
    dump("agent", at0, threads(agent.pid()));
    dump("master", mt0, threads(ProcessHandle.current().pid()));
    long failed = framework.tasksIn(prefix, TaskState.TASK_FAILED);
    System.err.printf("launch timeline (agent's timestamps, s after ACCEPT): STARTING %.2f..%.2f, RUNNING %.2f..%.2f%n",
        framework.first(prefix, TaskState.TASK_STARTING) - acceptEpoch, framework.last(prefix, TaskState.TASK_STARTING) - acceptEpoch,
        framework.first(prefix, TaskState.TASK_RUNNING) - acceptEpoch, framework.last(prefix, TaskState.TASK_RUNNING) - acceptEpoch);
    Thread.sleep(2_000); // let the agent settle before reading its memory and its CPU use with every task running
    long idle0 = cpuMillis(agent.pid());
    Thread.sleep(3_000);
    double idleCpu = (cpuMillis(agent.pid()) - idle0) / 3_000.0;
    long agentRss = kb(agent.pid(), "VmRSS");
    long supervisorsPss = 0;
    int processes = 0;
    for (long pid : cgroupPids(cluster.cgroupsRoot)) {
      supervisorsPss += pss(pid);
      processes++;
    }

    long t1 = System.nanoTime();
    double killStartEpoch = System.currentTimeMillis() / 1000.0;
    List<CompletableFuture<Integer>> kills = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      kills.add(framework.callAsync(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
          .setTaskId(TaskID.newBuilder().setValue(prefix + i)).setAgentId(offer.getAgentId())).build()));
    }
    await(() -> fw.tasksIn(prefix, TaskState.TASK_KILLED) >= n - failed, Duration.ofMinutes(5));
    double killed = (System.nanoTime() - t1) / 1e9;
    await(() -> cgroupPids(cluster.cgroupsRoot).isEmpty(), Duration.ofMinutes(2));
    double empty = (System.nanoTime() - t1) / 1e9;
    CompletableFuture.allOf(kills.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    framework.callAsync(Call.newBuilder().setType(Call.Type.REVIVE).build()); // the next burst's offer

    // the agent's own share, from the timestamps it puts on its updates
    double agentLaunch = framework.last(prefix, TaskState.TASK_RUNNING) - framework.first(prefix, TaskState.TASK_STARTING);
    double agentKill = framework.last(prefix, TaskState.TASK_KILLED) - killStartEpoch;
    System.out.printf("| %d | %d | %.2f s | %.2f s | %.2f s | %.1f s | %.1f s | %.2f s | %.2f s | %.2f s | %d MB | %.0f%% | %d | %d MB | %d |%n", burst, n,
        starting, running, agentLaunch, agentCpu, ownCpu, killed, agentKill, empty, agentRss / 1024, idleCpu * 100,
        processes, supervisorsPss / 1024, failed);
  }

  /** An offer of the agent large enough for n tasks; smaller ones (resources still being freed) are declined for a moment. */
  private static Offer offer(V1Client framework, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      Offer offer = framework.next(e -> e.getType() == Event.Type.OFFERS, Duration.ofSeconds(60)).getOffers().getOffers(0);
      io.mezzo.mesos.proto.ResourceBag bag = io.mezzo.mesos.proto.ResourceBag.of(offer.getResourcesList());
      if (bag.scalar("cpus") >= n * 0.01 - 1e-9 && bag.scalar("mem") >= n * 32 || System.nanoTime() > deadline) {
        return offer;
      }
      framework.call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(offer.getId())
          .setFilters(Filters.newBuilder().setRefuseSeconds(0.2))).build());
    }
  }

  private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after " + timeout);
      }
      Thread.sleep(10);
    }
  }

  private static List<Long> cgroupPids(String root) {
    List<Long> out = new ArrayList<>();
    Path base = ClusterFixture.CGROUPS.resolve("memory").resolve(root);
    if (!Files.isDirectory(base)) {
      return out;
    }
    try (Stream<Path> s = Files.list(base)) {
      for (Path c : s.filter(Files::isDirectory).toList()) {
        for (String pid : Files.readAllLines(c.resolve("cgroup.procs"))) {
          out.add(Long.parseLong(pid.trim()));
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      out.add(-1L); // a cgroup went away while listing: look again
    }
    return out;
  }

  /** A process's user + system CPU time so far, from {@code /proc/<pid>/stat} (clock ticks of 10 ms). */
  /** CPU milliseconds of each thread of the process, by "name/tid". */
  private static java.util.Map<String, Long> threads(long pid) throws IOException {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    try (var ds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path t : ds) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          m.merge(name + "/" + t.getFileName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
        } catch (IOException e) {
          // thread ended
        }
      }
    }
    return m;
  }

  /** Logs the CPU each kind of thread of a process used in a phase (JIT compilers, event loops, workers...). */
  private static void dump(String who, java.util.Map<String, Long> a, java.util.Map<String, Long> b) {
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    b.forEach((k, v) -> byName.merge(k.substring(0, k.lastIndexOf('/')), v - a.getOrDefault(k, 0L), Long::sum));
    StringBuilder sb = new StringBuilder(who + " threads ms:");
    byName.entrySet().stream().filter(e -> e.getValue() >= 20).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .forEach(e -> sb.append(' ').append(e.getKey()).append('=').append(e.getValue()));
    System.err.println(sb);
  }

  private static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  private static long kb(long pid, String field) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long pss(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
        if (l.startsWith("Pss:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }
}
