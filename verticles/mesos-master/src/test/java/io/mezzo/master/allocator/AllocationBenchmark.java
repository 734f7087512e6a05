package io.mezzo.master.allocator;

import io.mezzo.master.allocator.Allocator.Grant;
import io.mezzo.mesos.proto.ResourceBag;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Allocation cycle time on the grid of Mesos's {@code HierarchicalAllocator_BENCHMARK_Test}
 * (not a unit test; run with {@code scripts/bench/allocation}).
 *
 * <p>Every agent has {@code cpus:24;mem:65536;disk:409600;ports:[31000-32000]}; all frameworks
 * subscribe to one role. The first cycle offers every agent. Then, like the decline benchmark, each
 * framework declines everything it was offered with {@code refuse_seconds} 5, the clock moves by the
 * 1 s allocation interval and the next cycle runs, so each later cycle offers every agent again to
 * frameworks whose filters do not cover it. Prints a Markdown table beside Mesos 1.8's published
 * cycle times (blog "Mesos 1.7.0 performance improvements"; 1k x 100 read off its chart).
 */
public final class AllocationBenchmark {

  private static final String AGENT = "cpus:24;mem:65536;disk:409600;ports:[31000-32000]";
  private static final int NEXT_CYCLES = 5;
  private static final int[][] GRID = {{1_000, 100}, {5_000, 500}, {10_000, 1_000}, {20_000, 2_000}};
  private static final double[] MESOS_1_8_SECONDS = {0.2, 0.4, 1.1, 3.8};

  private AllocationBenchmark() {
  }

  public static void main(String[] args) {
    System.out.println("| agents x frameworks | Mesos 1.8 | Mezzo first cycle | Mezzo median of next "
        + NEXT_CYCLES + " | Mesos / Mezzo (first) | Mesos / Mezzo (median) | setup |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int i = 0; i < GRID.length; i++) {
      run(GRID[i][0], GRID[i][1], MESOS_1_8_SECONDS[i]);
    }
  }

  private static void run(int agents, int frameworks, double mesosSeconds) {
    SettableClock clock = new SettableClock();
    DrfAllocator allocator = new DrfAllocator(clock, 1L, AllocatorOptions.defaults());
    ResourceBag total = ResourceBag.parse(AGENT, "*");
    long setupStart = System.nanoTime();
    for (int f = 0; f < frameworks; f++) {
      allocator.addFramework(String.format("fw-%05d", f), Set.of("bench"), Set.of());
    }
    for (int a = 0; a < agents; a++) {
      allocator.addAgent(String.format("agent-%06d", a), total, Map.of());
    }
    double setup = seconds(System.nanoTime() - setupStart);

    long start = System.nanoTime();
    List<Grant> grants = allocator.allocate();
    double first = seconds(System.nanoTime() - start);
    check(grants, agents);

    double[] next = new double[NEXT_CYCLES];
    for (int c = 0; c < NEXT_CYCLES; c++) {
      for (Grant g : grants) {
        allocator.recoverResources(g.frameworkId(), g.agentId(), g.resources(), Duration.ofSeconds(5));
      }
      clock.advance(Duration.ofSeconds(1));
      start = System.nanoTime();
      grants = allocator.allocate();
      next[c] = seconds(System.nanoTime() - start);
      check(grants, agents);
    }
    double median = median(next);
    System.out.printf("| %dk x %d | %.1f s | %.3f s | %.3f s | %.1fx | %.1fx | %.2f s |%n", agents / 1000, frameworks,
        mesosSeconds, first, median, mesosSeconds / first, mesosSeconds / median, setup);
  }

  private static void check(List<Grant> grants, int agents) {
    if (grants.size() != agents) {
      throw new IllegalStateException("Expected " + agents + " grants, got " + grants.size());
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
