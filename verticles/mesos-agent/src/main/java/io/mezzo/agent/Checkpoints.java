package io.mezzo.agent;

import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * What the agent keeps across restarts, under {@code <work_dir>/meta}:
 *
 * <pre>
 * meta/agent_id                                           the id the master gave
 * meta/frameworks/&lt;fw&gt;/framework.json                       FrameworkInfo
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;/task.json              {task, task_info, container_id, directory, pid, start_ticks}
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;/updates.json           unacknowledged TaskStatus, oldest first
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;/exit_status            written by the container's supervisor when the command ends
 * </pre>
 *
 * Task ids are URL-encoded in paths. Files are replaced atomically (write, then rename). Every
 * method blocks: call it from a worker thread.
 */
final class Checkpoints {
  private final Path meta;

  Checkpoints(Path workDir) {
    this.meta = workDir.resolve("meta");
  }

  /** A checkpointed task and where it ran. */
  record TaskCheckpoint(Task task, TaskInfo info, String containerId, String directory, long pid, long startTicks) {
  }

  /** A framework's checkpointed tasks. */
  record FrameworkCheckpoint(FrameworkInfo info, List<TaskCheckpoint> tasks, List<List<TaskStatus>> updates) {
  }

  Optional<String> agentId() throws IOException {
    Path file = meta.resolve("agent_id");
    return Files.exists(file) ? Optional.of(Files.readString(file).trim()).filter(s -> !s.isEmpty()) : Optional.empty();
  }

  void agentId(String id) throws IOException {
    write(meta.resolve("agent_id"), id);
  }

  void forgetAgentId() throws IOException {
    Files.deleteIfExists(meta.resolve("agent_id"));
  }

  private Path framework(String frameworkId) {
    return meta.resolve("frameworks").resolve(encode(frameworkId));
  }

  private Path task(String frameworkId, String taskId) {
    return framework(frameworkId).resolve("tasks").resolve(encode(taskId));
  }

  void framework(FrameworkInfo info) throws IOException {
    write(framework(info.getId().getValue()).resolve("framework.json"), MesosJson.print(info));
  }

  void task(Task task, TaskInfo info, String containerId, String directory, long pid, long startTicks) throws IOException {
    JsonObject json = new JsonObject().put("task", new JsonObject(MesosJson.print(task)))
        .put("task_info", new JsonObject(MesosJson.print(info)))
        .put("container_id", containerId).put("directory", directory).put("pid", pid).put("start_ticks", startTicks);
    write(task(task.getFrameworkId().getValue(), task.getTaskId().getValue()).resolve("task.json"), json.encode());
  }

  /** Where a custom executor's supervisor writes the executor's exit status. */
  Path executorExitStatus(String frameworkId, String executorId) {
    return framework(frameworkId).resolve("executors").resolve(encode(executorId)).resolve("exit_status");
  }

  /** Where the task's supervisor writes the command's exit status. */
  Path exitStatus(String frameworkId, String taskId) {
    return task(frameworkId, taskId).resolve("exit_status");
  }

  void updates(String frameworkId, String taskId, List<TaskStatus> pending) throws IOException {
    Path file = task(frameworkId, taskId).resolve("updates.json");
    if (pending.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    JsonArray array = new JsonArray();
    pending.forEach(s -> array.add(new JsonObject(MesosJson.print(s))));
    write(file, array.encode());
  }

  /**
   * Removes a task that is over and acknowledged. Its framework's directory stays (launches may be
   * writing into it on other threads); {@link #load} drops frameworks left without tasks.
   */
  void removeTask(String frameworkId, String taskId) throws IOException {
    deleteTree(task(frameworkId, taskId));
  }

  /** Writes the framework's info unless it is there already. */
  void ensureFramework(FrameworkInfo info) throws IOException {
    if (!Files.exists(framework(info.getId().getValue()).resolve("framework.json"))) {
      framework(info);
    }
  }

  void removeFramework(String frameworkId) throws IOException {
    deleteTree(framework(frameworkId));
  }

  /** Everything checkpointed, framework by framework. */
  List<FrameworkCheckpoint> load() throws IOException {
    List<FrameworkCheckpoint> out = new ArrayList<>();
    Path root = meta.resolve("frameworks");
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (DirectoryStream<Path> fws = Files.newDirectoryStream(root)) {
      for (Path fw : fws) {
        Path infoFile = fw.resolve("framework.json");
        if (!Files.exists(infoFile)) {
          continue;
        }
        FrameworkInfo info = MesosJson.parse(Files.readString(infoFile), FrameworkInfo.getDefaultInstance());
        if (!hasChild(fw.resolve("tasks")) && !hasChild(fw.resolve("executors"))) {
          deleteTree(fw); // every task of it is over and acknowledged
          continue;
        }
        List<TaskCheckpoint> tasks = new ArrayList<>();
        List<List<TaskStatus>> updates = new ArrayList<>();
        Path tasksDir = fw.resolve("tasks");
        if (Files.isDirectory(tasksDir)) {
          try (DirectoryStream<Path> ts = Files.newDirectoryStream(tasksDir)) {
            for (Path t : ts) {
              Path taskFile = t.resolve("task.json");
              if (!Files.exists(taskFile)) {
                continue;
              }
              JsonObject json = new JsonObject(Files.readString(taskFile));
              JsonObject taskInfo = json.getJsonObject("task_info");
              tasks.add(new TaskCheckpoint(MesosJson.parse(json.getJsonObject("task").encode(), Task.getDefaultInstance()),
                  taskInfo == null ? null : MesosJson.parse(taskInfo.encode(), TaskInfo.getDefaultInstance()),
                  json.getString("container_id"), json.getString("directory"), json.getLong("pid", 0L),
                  json.getLong("start_ticks", -1L)));
              List<TaskStatus> pending = new ArrayList<>();
              Path updatesFile = t.resolve("updates.json");
              if (Files.exists(updatesFile)) {
                for (Object o : new JsonArray(Files.readString(updatesFile))) {
                  pending.add(MesosJson.parse(((JsonObject) o).encode(), TaskStatus.getDefaultInstance()));
                }
              }
              updates.add(pending);
            }
          }
        }
        out.add(new FrameworkCheckpoint(info, tasks, updates));
      }
    }
    return out;
  }

  private static boolean hasChild(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("*", "%2A").replace(".", "%2E");
  }

  static String decode(String name) {
    return URLDecoder.decode(name, StandardCharsets.UTF_8);
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + Thread.currentThread().getId());
    Files.writeString(tmp, content);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
