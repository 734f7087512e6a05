package io.mezzo.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Learns that a task's command ended the moment its supervisor writes the exit status into the
 * framework's {@code tasks/} checkpoint directory, through the kernel's file notifications
 * (inotify, by the JDK's {@link WatchService}), instead of testing every running task's file many
 * times a second. One watch per framework directory, one thread for all of them; the task manager
 * keeps a slow periodic look as the safety net (a lost notification, a supervisor that died
 * without writing, a directory not watched).
 */
final class ExitWatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ExitWatcher.class.getName());

  /** Called on the watcher's thread. */
  interface Listener {
    /** The supervisor of the task recorded this exit status (may come more than once for one task). */
    void exited(String frameworkId, String taskId, int status);

    /** The kernel dropped notifications: every task's file must be looked at. */
    void missed();
  }

  private final WatchService service;
  private final Listener listener;
  /** Framework id → its watch; a key whose directory went away is dropped, so a new one can replace it. */
  private final Map<String, WatchKey> watched = new ConcurrentHashMap<>();
  private final Map<WatchKey, String> frameworks = new ConcurrentHashMap<>();
  private final Thread thread;

  ExitWatcher(Listener listener) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.listener = listener;
    this.thread = new Thread(this::run, "mezzo-agent-exits");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches the framework's tasks directory (which must exist) unless it is watched already. Thread-safe. */
  void watch(String frameworkId, Path tasksDirectory) throws IOException {
    WatchKey known = watched.get(frameworkId);
    if (known != null && known.isValid()) {
      return;
    }
    synchronized (this) {
      known = watched.get(frameworkId);
      if (known != null && known.isValid()) {
        return;
      }
      WatchKey key = tasksDirectory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      frameworks.put(key, frameworkId);
      watched.put(frameworkId, key);
    }
  }

  /** Whether exits of the framework's tasks are reported as they happen. */
  boolean watching(String frameworkId) {
    WatchKey key = watched.get(frameworkId);
    return key != null && key.isValid();
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      String frameworkId = frameworks.get(key);
      Path directory = (Path) key.watchable();
      Set<String> changed = new LinkedHashSet<>(); // a file's creation and its write often come in one batch
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          listener.missed();
        } else if (frameworkId != null && event.context().toString().endsWith(Checkpoints.EXIT_SUFFIX)) {
          changed.add(event.context().toString()); // not the task records, written on every update
        }
      }
      for (String name : changed) {
        try {
          // a file just created may still be empty: its write comes as a later (MODIFY) event
          Integer status = TaskManager.exitStatus(directory.resolve(name));
          if (status != null) {
            listener.exited(frameworkId, Checkpoints.decode(name.substring(0, name.length() - Checkpoints.EXIT_SUFFIX.length())), status);
          }
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Failed to handle a change in " + directory, e);
        }
      }
      if (!key.reset()) {
        frameworks.remove(key);
        if (frameworkId != null) {
          watched.remove(frameworkId, key);
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      LOG.fine("Closing the watch service: " + e);
    }
    thread.interrupt();
  }
}
