package io.mezzo.marathon.it;

import io.mezzo.marathon.core.Condition;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.InstanceLauncher;
import io.mezzo.marathon.core.StatusUpdate;
import io.mezzo.marathon.model.AppDefinition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test double of the launcher: every launched instance goes STAGING, then RUNNING (healthy when the app has
 * health checks) a few milliseconds later, on the caller's event loop; kills end in KILLED. Per app, a test can make
 * instances stay staging or run unhealthy. It also records the most instances of an app alive at once.
 */
final class SimulatedLauncher implements InstanceLauncher {

  enum Behaviour { HEALTHY, NEVER_RUNNING, UNHEALTHY }

  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  final Set<String> running = ConcurrentHashMap.newKeySet();
  final AtomicInteger launches = new AtomicInteger();
  final AtomicInteger kills = new AtomicInteger();
  /** Per app: the fewest running instances right after any kill (a rolling restart must keep its minimum). */
  final Map<String, Integer> minRunningAfterKill = new ConcurrentHashMap<>();
  private final Map<String, String> appOf = new ConcurrentHashMap<>();
  private volatile StatusListener listener;
  private Context context;

  /** The leading Marathon's event loop (known once it attached). */
  Context context() {
    return context;
  }

  /** Reports a new condition of a running instance, as if its agent had (e.g. UNREACHABLE). */
  void report(String instanceId, Condition condition) {
    StatusListener l = listener;
    later(1, () -> report(l, StatusUpdate.of(instanceId, condition)));
  }

  /** Apps whose instances all report this host port (e.g. a real server of the test). */
  final Map<String, Integer> hostPorts = new java.util.concurrent.ConcurrentHashMap<>();

  void behave(String appId, Behaviour b) {
    behaviours.put(appId, b);
  }

  @Override
  public Future<Void> attach(Leader l) {
    listener = l;
    context = Vertx.currentContext();
    return Future.succeededFuture();
  }

  @Override
  public void launch(AppDefinition app, List<Instance> instances) {
    StatusListener l = listener;
    Behaviour b = behaviours.getOrDefault(app.id(), Behaviour.HEALTHY);
    // the agent reports health only for the checks it runs; Marathon runs HTTP, HTTPS and TCP itself
    boolean checks = app.healthChecks().stream()
        .anyMatch(hc -> !io.mezzo.marathon.health.MarathonHealthChecks.runByMarathon(hc));
    for (Instance i : instances) {
      launches.incrementAndGet();
      appOf.put(i.instanceId(), app.id());
      later(10, () -> report(l, new StatusUpdate(i.instanceId(), Condition.STAGING, null, "agent-1", "127.0.0.1",
          List.of(hostPorts.getOrDefault(app.id(), 31000 + launches.get())), null)));
      if (b != Behaviour.NEVER_RUNNING) {
        later(40, () -> {
          running.add(i.instanceId());
          report(l, new StatusUpdate(i.instanceId(), Condition.RUNNING, checks ? b == Behaviour.HEALTHY : null,
              null, null, null, null));
        });
      }
    }
  }

  @Override
  public void kill(String appId, List<Instance> instances) {
    StatusListener l = listener;
    for (Instance i : instances) {
      kills.incrementAndGet();
      later(15, () -> {
        running.remove(i.instanceId());
        long alive = running.stream().filter(id -> appId.equals(appOf.get(id))).count();
        minRunningAfterKill.merge(appId, (int) alive, Math::min);
        report(l, new StatusUpdate(i.instanceId(), Condition.KILLED, null, null, null, null, "killed"));
      });
    }
  }

  private void report(StatusListener l, StatusUpdate u) {
    if (l == listener && l != null) {
      l.statusUpdate(u);
    }
  }

  private void later(long ms, Runnable r) {
    Context c = context;
    c.owner().setTimer(ms, id -> c.runOnContext(v -> r.run()));
  }

  @Override
  public void detach() {
    listener = null;
  }
}
