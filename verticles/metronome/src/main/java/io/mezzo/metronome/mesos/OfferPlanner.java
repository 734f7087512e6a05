package io.mezzo.metronome.mesos;

import io.mezzo.metronome.model.JobRunSpec;
import io.mezzo.metronome.model.JobSpec;
import io.mezzo.metronome.schedule.JobRun;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;

/**
 * Decides what to do with a batch of offers: waiting run attempts are placed first come, first served, each on
 * the first offer whose agent satisfies its placement constraints and still has its cpus, mem, disk and gpus;
 * an offer takes as many attempts as fit. Offers that get nothing are declined. Pure.
 */
public final class OfferPlanner {

  /** A run attempt waiting for an offer. */
  public record Waiting(JobRun run, JobSpec job) {
    public String taskId() {
      return TaskIds.of(run);
    }
  }

  /** The tasks to launch per offer (only offers that got some) and the offers to decline. */
  public record Plan(Map<OfferID, List<TaskInfo>> launches, List<OfferID> declines) {
    public int taskCount() {
      return launches.values().stream().mapToInt(List::size).sum();
    }
  }

  private OfferPlanner() {
  }

  /**
   * The offers a placement of {@code waiting} would use (as {@link #plan} places them), without building the
   * tasks: which offers to keep for runs that are about to be created.
   */
  public static Set<OfferID> used(List<Offer> offers, Collection<Waiting> waiting) {
    List<ResourcePool> pools = offers.stream().map(ResourcePool::new).toList();
    Set<OfferID> used = new LinkedHashSet<>();
    for (Waiting w : waiting) {
      JobRunSpec spec = w.job().run();
      Map<String, Double> wanted = ResourcePool.wanted(spec.cpus(), spec.mem(), spec.disk(), spec.gpus());
      for (int i = 0; i < offers.size(); i++) {
        if (pools.get(i).fits(wanted) && Constraints.matches(offers.get(i), spec.placement().constraints())) {
          pools.get(i).take(wanted);
          used.add(offers.get(i).getId());
          break;
        }
      }
    }
    return used;
  }

  public static Plan plan(List<Offer> offers, Collection<Waiting> waiting) {
    List<ResourcePool> pools = offers.stream().map(ResourcePool::new).toList();
    Map<OfferID, List<TaskInfo>> launches = new LinkedHashMap<>();
    for (Waiting w : waiting) {
      JobRunSpec spec = w.job().run();
      Map<String, Double> wanted = ResourcePool.wanted(spec.cpus(), spec.mem(), spec.disk(), spec.gpus());
      for (int i = 0; i < offers.size(); i++) {
        Offer offer = offers.get(i);
        ResourcePool pool = pools.get(i);
        if (pool.fits(wanted) && Constraints.matches(offer, spec.placement().constraints())) {
          TaskInfo task = TaskFactory.build(w.run(), w.job(), offer.getAgentId().getValue(), pool.take(wanted));
          launches.computeIfAbsent(offer.getId(), k -> new ArrayList<>()).add(task);
          break;
        }
      }
    }
    List<OfferID> declines = offers.stream().map(Offer::getId).filter(id -> !launches.containsKey(id)).toList();
    return new Plan(launches, declines);
  }
}
