package io.mezzo.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.ExecutorInfo;
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
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;.records                the task's record and its unacknowledged updates (below)
 * meta/frameworks/&lt;fw&gt;/tasks/&lt;task&gt;.exit_status            written by the container's supervisor when the command ends
 * meta/frameworks/&lt;fw&gt;/executors/&lt;executor&gt;/executor.json   a custom executor's run: ExecutorInfo, container, sandbox, pid
 * meta/frameworks/&lt;fw&gt;/executors/&lt;executor&gt;/exit_status     written by the executor's supervisor when it ends
 * </pre>
 *
 * <p>Both sit directly in {@code tasks/}: a task costs two new names, not a directory more (on a
 * file system without a journal, ext4 walks past every recently freed inode for each new one, so
 * names are what a burst of launches pays for). A task's {@code .records} file only grows: each change appends one record, {@code [length: 4 bytes, big
 * endian][kind: 1 byte][UTF-8 JSON: length - 1 bytes]}, kind {@code T} for the task
 * ({task, task_info, container_id, directory, pid, start_ticks}) and {@code U} for the whole list of
 * unacknowledged TaskStatus, oldest first. The last record of each kind counts; a record cut short
 * by a crash is dropped when read. Appending creates no new directory entry (a rewrite through a
 * temporary file creates one each time); once the file passes {@link #COMPACT_BYTES} it is
 * rewritten with just the last record of each kind. Earlier layouts, a directory per task
 * ({@code tasks/<task>/task.records}, before that {@code task.json} and {@code updates.json}, and the
 * supervisor's {@code tasks/<task>/exit_status}), are still read, and a task found in one keeps
 * using it until it is removed, since its running supervisor writes there.
 *
 * <p>Task ids are URL-encoded in paths. Other files are replaced atomically (write, then rename).
 * Nothing is fsynced: checkpoints survive the agent process's death, not necessarily a power loss.
 * Every method blocks: call it from a worker thread.
 */
final class Checkpoints {
  /** A task's records in a directory of its own (the earlier layout). */
  static final String RECORDS = "task.records";
  /** Suffix of a task's records file in {@code tasks/}. */
  static final String RECORDS_SUFFIX = ".records";
  /** Suffix of a task's exit status file in {@code tasks/}. */
  static final String EXIT_SUFFIX = ".exit_status";
  /** Past this size a task's records are rewritten with only the last task record and the last update list. */
  static final long COMPACT_BYTES = 64 * 1024;
  private static final byte TASK = 'T';
  private static final byte UPDATES = 'U';
  private static final Object[] LOCKS = new Object[64];

  static {
    for (int i = 0; i < LOCKS.length; i++) {
      LOCKS[i] = new Object();
    }
  }

  private final Path meta;
  /** Tasks (framework id, newline, task id) found by {@link #load} in a directory of their own. */
  private final java.util.Set<String> inDirectory = java.util.concurrent.ConcurrentHashMap.newKeySet();

  Checkpoints(Path workDir) {
    this.meta = workDir.resolve("meta");
  }

  /** A checkpointed task and where it ran. */
  record TaskCheckpoint(Task task, TaskInfo info, String containerId, String directory, long pid, long startTicks) {
  }

  /** A custom executor's run: where it runs and its supervisor (pid 0 while it is being started). */
  record ExecutorCheckpoint(String frameworkId, ExecutorInfo info, String containerId, String directory, long pid, long startTicks) {
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

  private Path tasks(String frameworkId) {
    return framework(frameworkId).resolve("tasks");
  }

  /** The framework's tasks directory (where supervisors write exit statuses), created when missing. */
  Path tasksDirectory(String frameworkId) throws IOException {
    return Files.createDirectories(tasks(frameworkId));
  }

  /** The task's directory in the earlier layout. */
  private Path taskDirectory(String frameworkId, String taskId) {
    return tasks(frameworkId).resolve(encode(taskId));
  }

  private boolean inDirectory(String frameworkId, String taskId) {
    return !inDirectory.isEmpty() && inDirectory.contains(frameworkId + "\n" + taskId);
  }

  /** The file the task's records go to. */
  private Path records(String frameworkId, String taskId) {
    return inDirectory(frameworkId, taskId) ? taskDirectory(frameworkId, taskId).resolve(RECORDS)
        : tasks(frameworkId).resolve(encode(taskId) + RECORDS_SUFFIX);
  }

  void framework(FrameworkInfo info) throws IOException {
    write(framework(info.getId().getValue()).resolve("framework.json"), MesosJson.print(info));
  }

  void task(Task task, TaskInfo info, String containerId, String directory, long pid, long startTicks) throws IOException {
    // written straight from the messages: no JSON tree built, parsed and encoded again
    java.io.StringWriter out = new java.io.StringWriter(1024);
    try (JsonGenerator g = MesosJson.factory().createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("task");
      MesosJson.write(task, g);
      g.writeFieldName("task_info");
      MesosJson.write(info, g);
      g.writeStringField("container_id", containerId);
      g.writeStringField("directory", directory);
      g.writeNumberField("pid", pid);
      g.writeNumberField("start_ticks", startTicks);
      g.writeEndObject();
    }
    String fid = task.getFrameworkId().getValue();
    String taskId = task.getTaskId().getValue();
    append(records(fid, taskId), TASK, out.toString(), true, inDirectory(fid, taskId));
  }

  /**
   * Records a custom executor's run (replaced atomically): written before its supervisor starts
   * (pid 0) and again once it runs, so a restarted agent finds the executor to wait for.
   */
  void executor(String frameworkId, ExecutorInfo info, String containerId, String directory, long pid, long startTicks)
      throws IOException {
    JsonObject json = new JsonObject().put("executor_info", new JsonObject(MesosJson.print(info)))
        .put("container_id", containerId).put("directory", directory).put("pid", pid).put("start_ticks", startTicks);
    write(executorExitStatus(frameworkId, info.getExecutorId().getValue()).resolveSibling("executor.json"), json.encode());
  }

  /** Every checkpointed custom executor run. */
  List<ExecutorCheckpoint> executors() throws IOException {
    List<ExecutorCheckpoint> out = new ArrayList<>();
    Path root = meta.resolve("frameworks");
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (DirectoryStream<Path> fws = Files.newDirectoryStream(root)) {
      for (Path fw : fws) {
        Path dir = fw.resolve("executors");
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(dir)) {
          for (Path run : runs) {
            Path file = run.resolve("executor.json");
            if (!Files.exists(file)) {
              continue;
            }
            JsonObject json;
            try {
              json = new JsonObject(Files.readString(file));
            } catch (RuntimeException e) {
              continue; // never happens with write-then-rename, but a damaged file must not stop recovery
            }
            out.add(new ExecutorCheckpoint(decode(fw.getFileName().toString()),
                MesosJson.parse(json.getJsonObject("executor_info").encode(), ExecutorInfo.getDefaultInstance()),
                json.getString("container_id"), json.getString("directory"), json.getLong("pid", 0L),
                json.getLong("start_ticks", -1L)));
          }
        }
      }
    }
    return out;
  }

  /** Where a custom executor's supervisor writes the executor's exit status. */
  Path executorExitStatus(String frameworkId, String executorId) {
    return framework(frameworkId).resolve("executors").resolve(encode(executorId)).resolve("exit_status");
  }

  /** Where the task's supervisor writes the command's exit status. */
  Path exitStatus(String frameworkId, String taskId) {
    return inDirectory(frameworkId, taskId) ? taskDirectory(frameworkId, taskId).resolve("exit_status")
        : tasks(frameworkId).resolve(encode(taskId) + EXIT_SUFFIX);
  }

  void updates(String frameworkId, String taskId, List<TaskStatus> pending) throws IOException {
    java.io.StringWriter out = new java.io.StringWriter(512 * Math.max(1, pending.size()));
    try (JsonGenerator g = MesosJson.factory().createGenerator(out)) {
      g.writeStartArray();
      for (TaskStatus status : pending) {
        MesosJson.write(status, g);
      }
      g.writeEndArray();
    }
    // an empty list never creates the file: the task may be removed already
    append(records(frameworkId, taskId), UPDATES, out.toString(), !pending.isEmpty(), inDirectory(frameworkId, taskId));
  }

  /**
   * Removes a task that is over and acknowledged. Its framework's directory stays (launches may be
   * writing into it on other threads); {@link #load} drops frameworks left without tasks.
   */
  void removeTask(String frameworkId, String taskId) throws IOException {
    Path records = records(frameworkId, taskId);
    synchronized (lock(records)) {
      if (inDirectory(frameworkId, taskId)) {
        deleteTree(records.getParent());
        inDirectory.remove(frameworkId + "\n" + taskId);
      } else {
        Files.deleteIfExists(records);
        Files.deleteIfExists(exitStatus(frameworkId, taskId));
      }
    }
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
              String name = t.getFileName().toString();
              boolean directory = Files.isDirectory(t);
              if (!directory && !name.endsWith(RECORDS_SUFFIX)) {
                continue; // an exit status, or a compaction's temporary file
              }
              Stored stored = directory ? readDirectory(t, true) : readRecords(t, null, new JsonArray(), true);
              if (stored.task == null) {
                continue;
              }
              JsonObject json = stored.task;
              if (directory) {
                inDirectory.add(info.getId().getValue() + "\n" + decode(name));
              }
              JsonObject taskInfo = json.getJsonObject("task_info");
              tasks.add(new TaskCheckpoint(MesosJson.parse(json.getJsonObject("task").encode(), Task.getDefaultInstance()),
                  taskInfo == null ? null : MesosJson.parse(taskInfo.encode(), TaskInfo.getDefaultInstance()),
                  json.getString("container_id"), json.getString("directory"), json.getLong("pid", 0L),
                  json.getLong("start_ticks", -1L)));
              List<TaskStatus> pending = new ArrayList<>();
              for (Object o : stored.updates) {
                pending.add(MesosJson.parse(((JsonObject) o).encode(), TaskStatus.getDefaultInstance()));
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

  /** What a task's directory holds: the last task record (null if none) and the last list of pending updates. */
  private record Stored(JsonObject task, JsonArray updates) {
  }

  /** Reads a task's directory (the earlier layouts): {@code task.json} and {@code updates.json}, then {@code task.records}. */
  private static Stored readDirectory(Path taskDir, boolean repair) throws IOException {
    JsonObject task = null;
    JsonArray updates = new JsonArray();
    Path taskJson = taskDir.resolve("task.json");
    if (Files.exists(taskJson)) {
      task = new JsonObject(Files.readString(taskJson));
    }
    Path updatesJson = taskDir.resolve("updates.json");
    if (Files.exists(updatesJson)) {
      updates = new JsonArray(Files.readString(updatesJson));
    }
    return readRecords(taskDir.resolve(RECORDS), task, updates, repair);
  }

  /** Reads a records file over what is known already ({@code task}, {@code updates}); later records win. */
  private static Stored readRecords(Path file, JsonObject task, JsonArray updates, boolean repair) throws IOException {
    synchronized (lock(file)) {
      if (!Files.exists(file)) {
        return new Stored(task, updates);
      }
      byte[] bytes = Files.readAllBytes(file);
      int at = 0;
      while (at + 5 <= bytes.length) {
        int length = ByteBuffer.wrap(bytes, at, 4).getInt();
        if (length < 1 || (long) at + 4 + length > bytes.length) {
          break;
        }
        byte kind = bytes[at + 4];
        String json = new String(bytes, at + 5, length - 1, StandardCharsets.UTF_8);
        try {
          if (kind == TASK) {
            task = new JsonObject(json);
          } else if (kind == UPDATES) {
            updates = new JsonArray(json);
          }
        } catch (RuntimeException e) {
          break; // not a whole record
        }
        at += 4 + length;
      }
      if (repair && at < bytes.length) {
        // a record cut short (the machine went down mid-write): drop it so later records follow whole ones
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(at);
        }
      }
    }
    return new Stored(task, updates);
  }

  /**
   * How many updates wait for an acknowledgement across every checkpointed task. Only reads, so
   * another process may call it while the agent writes (a record being written is not counted).
   */
  static long pendingUpdates(Path workDir) throws IOException {
    Path root = workDir.resolve("meta").resolve("frameworks");
    if (!Files.isDirectory(root)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> files = Files.find(root, 4, (p, a) -> p.getFileName().toString().endsWith(RECORDS_SUFFIX)
        || p.getFileName().toString().equals("updates.json"))) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        // <fw>/tasks/<task>.records, or a file in <fw>/tasks/<task>/ (the earlier layout)
        boolean own = root.relativize(file).getNameCount() == 3;
        if (own ? !name.endsWith(RECORDS_SUFFIX) : !name.equals(RECORDS) && !name.equals("updates.json")) {
          continue;
        }
        if (!own && name.equals("updates.json") && Files.exists(file.resolveSibling(RECORDS))) {
          continue; // the directory is counted through its task.records
        }
        try {
          n += (own ? readRecords(file, null, new JsonArray(), false) : readDirectory(file.getParent(), false)).updates.size();
        } catch (java.nio.file.NoSuchFileException e) {
          // removed meanwhile
        }
      }
    }
    return n;
  }

  private static Object lock(Path file) {
    return LOCKS[Math.floorMod(file.hashCode(), LOCKS.length)];
  }

  /**
   * Appends one record; {@code create} says whether a missing file (and its directory) may be
   * created, else the record is dropped when there is no file. Compacts a file grown past
   * {@link #COMPACT_BYTES}; {@code inDirectory}: the file is a task directory's {@code task.records}
   * (the earlier layout).
   */
  private static void append(Path file, byte kind, String json, boolean create, boolean inDirectory) throws IOException {
    ByteBuffer record = ByteBuffer.wrap(recordBytes(kind, json));
    synchronized (lock(file)) {
      FileChannel opened;
      try {
        opened = create ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
            : FileChannel.open(file, StandardOpenOption.APPEND);
      } catch (NoSuchFileException e) {
        if (!create) {
          return;
        }
        Files.createDirectories(file.getParent());
        opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      long size;
      try (FileChannel ch = opened) {
        while (record.hasRemaining()) {
          ch.write(record);
        }
        size = ch.size();
      }
      if (size > COMPACT_BYTES) {
        compact(file, inDirectory);
      }
    }
  }

  /** Rewrites a task's records as its last task record and its last update list (write, then rename). */
  private static void compact(Path file, boolean inDirectory) throws IOException {
    Stored stored = inDirectory ? readDirectory(file.getParent(), true) : readRecords(file, null, new JsonArray(), true);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (stored.task != null) {
      out.writeBytes(recordBytes(TASK, stored.task.encode()));
    }
    out.writeBytes(recordBytes(UPDATES, stored.updates.encode()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + Thread.currentThread().getId());
    Files.write(tmp, out.toByteArray());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] recordBytes(byte kind, String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + payload.length).putInt(1 + payload.length).put(kind).put(payload).array();
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
