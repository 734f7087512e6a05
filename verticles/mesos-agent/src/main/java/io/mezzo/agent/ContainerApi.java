package io.mezzo.agent;

import io.mezzo.agent.cgroups.ContainerStatistics;
import io.mezzo.agent.cgroups.Isolator;
import io.mezzo.mesos.proto.ResourceBag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.mezzo.mesos.proto.MesosJson;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.ResourceStatistics;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.agent.Protos.Response;

/**
 * The agent API's view of containers: {@code GET_CONTAINERS} and the legacy
 * {@code /monitor/statistics} (usage read from the containers' cgroups), {@code KILL_CONTAINER}
 * and {@code WAIT_CONTAINER}. A container is a command task's own, a custom executor's, or a
 * nested command session's ({@link NestedSessions}). Methods are called on the agent's event loop;
 * file reads and signals run on worker threads.
 */
final class ContainerApi {
  /** How often a pending WAIT_CONTAINER looks whether its container ended. */
  static final long WAIT_POLL_MS = 100;
  /** Exit statuses kept for WAIT_CONTAINER after a container ended. */
  static final int EXITS_KEPT = 1000;

  private final Vertx vertx;
  private final Clock clock;
  private final TaskManager tasks;
  private final Isolator isolator;
  private final ContainerStatistics statistics;
  private final NestedSessions sessions;
  /** Exit statuses (as the command's status; 128 + n for signal n) seen by pending waits, by container id. */
  private final Map<String, Integer> exits = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > EXITS_KEPT;
    }
  };

  /** A call about a container that is not (or no longer) on this agent: 404 with Mesos's text. */
  static final class NotFound extends RuntimeException {
    NotFound(String containerId) {
      super("Container " + containerId + " cannot be found", null, false, false);
    }
  }

  ContainerApi(Vertx vertx, Clock clock, TaskManager tasks, Isolator isolator, ContainerStatistics statistics,
               NestedSessions sessions) {
    this.vertx = vertx;
    this.clock = clock;
    this.tasks = tasks;
    this.isolator = isolator;
    this.statistics = statistics;
    this.sessions = sessions;
  }

  /** One running container as the API lists it, captured on the event loop. */
  private record Entry(String frameworkId, String executorId, String executorName, String containerId, long pid,
                       double cpus, String source) {
  }

  private List<Entry> running() {
    List<Entry> out = new ArrayList<>();
    for (Container c : tasks.containers()) {
      if (c.executor == null && c.pid > 0 && !c.destroyed && !c.exited) {
        out.add(new Entry(c.frameworkId, c.executorId, AgentViews.executorName(c), c.containerId, c.pid,
            ResourceBag.of(c.task.getResourcesList()).scalar("cpus"), c.taskId()));
      }
    }
    for (ExecutorRun run : tasks.executorRuns()) {
      if (run.pid > 0 && !run.exited) {
        ResourceBag r = ResourceBag.of(run.info.getResourcesList());
        for (Container c : run.tasks.values()) {
          if (!c.terminal()) {
            r = r.add(ResourceBag.of(c.task.getResourcesList()));
          }
        }
        out.add(new Entry(run.frameworkId, run.id(), run.info.getName(), run.containerId, run.pid, r.scalar("cpus"),
            run.info.getSource()));
      }
    }
    return out;
  }

  /** GET_CONTAINERS: every running container with its status and usage; nested sessions with {@code show_nested}. */
  Future<Response.GetContainers> containers(boolean showNested) {
    List<Entry> entries = running();
    List<NestedSessions.Session> nested = showNested ? sessions.all() : List.of();
    double now = clock.millis() / 1000.0;
    return vertx.executeBlocking(() -> {
      Response.GetContainers.Builder b = Response.GetContainers.newBuilder();
      for (Entry e : entries) {
        Response.GetContainers.Container.Builder c = Response.GetContainers.Container.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(e.frameworkId()))
            .setExecutorId(ExecutorID.newBuilder().setValue(e.executorId())).setExecutorName(e.executorName())
            .setContainerId(ContainerID.newBuilder().setValue(e.containerId()))
            .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerID.newBuilder().setValue(e.containerId()))
                .setExecutorPid((int) e.pid()));
        ResourceStatistics stats = statistics.read(e.containerId(), isolator.pids(e.containerId()), e.cpus(), now);
        if (stats != null) {
          c.setResourceStatistics(stats);
        }
        b.addContainers(c);
      }
      for (NestedSessions.Session s : nested) {
        b.addContainers(Response.GetContainers.Container.newBuilder().setContainerId(s.id())
            .setContainerStatus(ContainerStatus.newBuilder().setContainerId(s.id()).setExecutorPid((int) s.pid())));
      }
      return b.build();
    }, false);
  }

  /**
   * {@code /monitor/statistics} (and, with {@code withStatus}, {@code /containers}): one object per
   * running container, Mesos's legacy layout.
   */
  Future<JsonArray> monitorStatistics(boolean withStatus) {
    List<Entry> entries = running();
    double now = clock.millis() / 1000.0;
    return vertx.executeBlocking(() -> {
      JsonArray out = new JsonArray();
      for (Entry e : entries) {
        ResourceStatistics stats = statistics.read(e.containerId(), isolator.pids(e.containerId()), e.cpus(), now);
        if (stats == null) {
          continue;
        }
        JsonObject entry = new JsonObject().put("executor_id", e.executorId()).put("executor_name", e.executorName())
            .put("framework_id", e.frameworkId()).put("source", e.source()).put("container_id", e.containerId())
            .put("statistics", new JsonObject(MesosJson.print(stats)));
        if (withStatus) {
          entry.put("status", new JsonObject().put("container_id", new JsonObject().put("value", e.containerId()))
              .put("executor_pid", e.pid()));
        }
        out.add(entry);
      }
      return out;
    }, false);
  }

  /**
   * KILL_CONTAINER: sends the signal (SIGKILL when none is given) to every process of the
   * container but its supervisor, which records how the command ended, so the task or executor
   * ends as if its command had been killed by that signal.
   *
   * @throws NotFound when the container is not running here
   */
  Future<Void> kill(ContainerID id, int signal) {
    if (id.hasParent()) {
      if (!sessions.kill(id, signal)) {
        throw new NotFound(id.getValue());
      }
      return Future.succeededFuture();
    }
    Entry target = running().stream().filter(e -> e.containerId().equals(id.getValue())).findFirst()
        .orElseThrow(() -> new NotFound(id.getValue()));
    return vertx.executeBlocking(() -> {
      List<Long> pids = new ArrayList<>(isolator.pids(target.containerId()));
      pids.remove(target.pid());
      signal(pids, signal);
      return null;
    }, false);
  }

  /** Sends a signal to processes with {@code kill(1)}. Blocks. */
  static void signal(List<Long> pids, int signal) throws IOException, InterruptedException {
    if (pids.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> argv.add(String.valueOf(p)));
    new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  /**
   * WAIT_CONTAINER: answers once the container has ended, with its exit status as {@code wait(2)}
   * reports it ({@code status << 8}, or the signal number) when the agent saw it, and the task's
   * terminal state and reason.
   *
   * @param gone tells that the client went away (the wait is then dropped)
   * @throws NotFound when no such container ran here
   */
  Future<Response.WaitContainer> waitFor(ContainerID id, BooleanSupplier gone) {
    if (id.hasParent()) {
      Future<Integer> ended = sessions.exit(id);
      if (ended == null) {
        Integer known = exits.get(id.getValue());
        if (known == null) {
          throw new NotFound(id.getValue());
        }
        ended = Future.succeededFuture(known);
      }
      return ended.map(status -> {
        exits.put(id.getValue(), status);
        return answer(status, null);
      });
    }
    String cid = id.getValue();
    Container task = find(cid);
    ExecutorRun run = tasks.executorRuns().stream().filter(r -> r.containerId.equals(cid)).findFirst().orElse(null);
    if (task == null && run == null) {
      Integer known = exits.get(cid);
      if (known == null) {
        throw new NotFound(cid);
      }
      return Future.succeededFuture(answer(known, null));
    }
    BooleanSupplier over = run != null ? () -> run.exited : () -> task.terminal() && (task.destroyed || task.pid <= 0);
    java.util.function.Supplier<Integer> status = run != null ? () -> run.exitStatus : () -> task.exitStatus;
    Promise<Response.WaitContainer> done = Promise.promise();
    poll(cid, over, status, gone, run == null ? task : null, done);
    return done.future();
  }

  /** Answers once {@code over} holds (the agent took the container's exit status by then), looking every {@link #WAIT_POLL_MS}. */
  private void poll(String cid, BooleanSupplier over, java.util.function.Supplier<Integer> status, BooleanSupplier gone,
                    Container task, Promise<Response.WaitContainer> done) {
    if (gone.getAsBoolean()) {
      done.tryFail("The client went away");
    } else if (over.getAsBoolean()) {
      Integer s = status.get();
      if (s != null) {
        exits.put(cid, s);
      }
      done.tryComplete(answer(s, task));
    } else {
      vertx.setTimer(WAIT_POLL_MS, t -> poll(cid, over, status, gone, task, done));
    }
  }

  private Container find(String containerId) {
    for (Container c : tasks.containers()) {
      if (c.containerId.equals(containerId) && c.executor == null) {
        return c;
      }
    }
    for (Container c : tasks.completed()) {
      if (c.containerId.equals(containerId) && c.executor == null) {
        return c;
      }
    }
    return null;
  }

  /** @param status the command's exit status (128 + n for signal n), or null when not known */
  static Response.WaitContainer answer(Integer status, Container task) {
    Response.WaitContainer.Builder b = Response.WaitContainer.newBuilder();
    if (status != null && status >= 0) {
      b.setExitStatus(status > 128 ? status - 128 : status << 8);
    }
    if (task != null && task.terminal()) {
      b.setState(task.state);
      TaskStatus last = task.statuses.get(task.statuses.size() - 1);
      if (last.hasReason()) {
        b.setReason(last.getReason());
      }
      if (last.hasMessage()) {
        b.setMessage(last.getMessage());
      }
    }
    return b.build();
  }
}
