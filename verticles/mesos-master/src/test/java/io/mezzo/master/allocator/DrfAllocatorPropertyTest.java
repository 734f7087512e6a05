package io.mezzo.master.allocator;

import static io.mezzo.master.allocator.AllocatorHarness.bag;
import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.Allocator.Grant;
import io.mezzo.mesos.proto.ResourceBag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random add/remove/deactivate/recover/suppress/allocate sequences: at every step what frameworks
 * hold on an agent fits in the agent, and every grant only holds resources its role may use.
 */
class DrfAllocatorPropertyTest {

  private static final String[] SHAPES = {
      "cpus:4;mem:4096;disk:100;ports:[31000-31009]",
      "cpus:2.5;mem:1000;cpus(gold):1;mem(gold):512",
      "cpus(eng):2;mem(eng):2048;gpus:1",
      "cpus:0.005;mem:16",
  };
  /** More than any agent has: recovering it must free only what the framework held. */
  private static final ResourceBag EVERYTHING = bag("cpus:100;mem:100000;disk:1000;gpus:10;ports:[0-65535];"
      + "cpus(gold):10;mem(gold):10000;cpus(eng):10;mem(eng):10000");
  private static final String[][] ROLES = {{"gold"}, {"silver"}, {"eng/web"}, {"eng"}, {"gold", "eng/web"}};

  @Test
  void randomOperations_seeded_neverGrantMoreThanAnAgentHas() {
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    int steps = 0;
    for (long seed = 1; System.nanoTime() < deadline; seed++) {
      steps += run(seed, 400);
    }
    assertThat(steps).isGreaterThan(400);
  }

  private int run(long seed, int steps) {
    Random rnd = new Random(seed);
    AllocatorHarness h = new AllocatorHarness(seed, AllocatorOptions.defaults());
    Map<String, ResourceBag> totals = new HashMap<>();
    List<String> frameworks = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      int op = rnd.nextInt(12);
      String agent = "a" + rnd.nextInt(8);
      String fw = "f" + rnd.nextInt(5);
      switch (op) {
        case 0, 1 -> {
          String shape = SHAPES[rnd.nextInt(SHAPES.length)];
          h.allocator.addAgent(agent, bag(shape), Map.of());
          h.forget(g -> g.agentId().equals(agent));
          totals.put(agent, bag(shape));
        }
        case 2 -> {
          h.allocator.removeAgent(agent);
          h.forget(g -> g.agentId().equals(agent));
          totals.remove(agent);
        }
        case 3 -> {
          h.allocator.addFramework(fw, Set.of(ROLES[rnd.nextInt(ROLES.length)]), Set.of());
          frameworks.add(fw);
        }
        case 4 -> {
          h.allocator.removeFramework(fw);
          h.forget(g -> g.frameworkId().equals(fw));
        }
        case 5 -> {
          List<Grant> held = h.outstanding();
          if (!held.isEmpty()) {
            Grant g = held.get(rnd.nextInt(held.size()));
            h.decline(g, rnd.nextBoolean() ? null : Duration.ofSeconds(rnd.nextInt(10)));
          }
        }
        case 6 -> {
          h.allocator.recoverResources(fw, agent, EVERYTHING, null);
          h.forget(g -> g.frameworkId().equals(fw) && g.agentId().equals(agent));
        }
        case 7 -> {
          if (rnd.nextBoolean()) {
            h.allocator.deactivateAgent(agent);
          } else {
            h.allocator.activateAgent(agent);
          }
        }
        case 8 -> {
          if (rnd.nextBoolean()) {
            h.allocator.suppress(fw, Set.of());
          } else {
            h.allocator.revive(fw, Set.of());
          }
        }
        case 9 -> h.clock.advance(Duration.ofSeconds(rnd.nextInt(4)));
        default -> h.cycle().forEach(g -> checkGrant(g));
      }
      checkNoAgentOvercommitted(h, totals);
    }
    return steps;
  }

  private static void checkGrant(Grant g) {
    assertThat(g.resources().isEmpty()).isFalse();
    ResourceBag foreign = g.resources().forRole("*");
    for (String r = g.role(); r != null; r = QuotaLimits.parent(r)) {
      foreign = foreign.add(g.resources().forRole(r));
    }
    assertThat(g.resources().subtract(foreign).isEmpty()).as("grant %s holds resources of another role", g).isTrue();
  }

  private static void checkNoAgentOvercommitted(AllocatorHarness h, Map<String, ResourceBag> totals) {
    Map<String, ResourceBag> held = new HashMap<>();
    for (Grant g : h.outstanding()) {
      held.merge(g.agentId(), g.resources(), ResourceBag::add);
    }
    held.forEach((agent, sum) -> assertThat(totals.get(agent).contains(sum))
        .as("agent %s holds %s of %s", agent, sum, totals.get(agent)).isTrue());
  }
}
