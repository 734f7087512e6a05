package io.mezzo.agent.cgroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * No cgroups (not root, or none mounted): limits are not enforced and a container's processes are
 * its top process and that process's descendants, as Mesos's posix isolators do.
 */
public final class PosixIsolator implements Isolator {
  private final Map<String, Long> tops = new ConcurrentHashMap<>();

  @Override
  public String kind() {
    return "posix";
  }

  @Override
  public void prepare(String containerId, Limits limits) {
  }

  @Override
  public void update(String containerId, Limits limits) {
  }

  @Override
  public List<String> joinFiles(String containerId) {
    return List.of();
  }

  @Override
  public void started(String containerId, long pid) {
    tops.put(containerId, pid);
  }

  @Override
  public List<Long> pids(String containerId) {
    List<Long> out = new ArrayList<>();
    Long top = tops.get(containerId);
    Optional<ProcessHandle> handle = top == null ? Optional.empty() : ProcessHandle.of(top);
    handle.filter(ProcessHandle::isAlive).ifPresent(h -> {
      out.add(h.pid());
      h.descendants().forEach(d -> out.add(d.pid()));
    });
    return out;
  }

  @Override
  public boolean oomKilled(String containerId) {
    return false;
  }

  @Override
  public void destroy(String containerId) {
    tops.remove(containerId);
  }

  @Override
  public List<String> existing() {
    return List.of();
  }
}
