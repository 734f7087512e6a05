package io.mezzo.master.allocator;

import static io.mezzo.master.allocator.AllocatorHarness.bag;
import static io.mezzo.master.allocator.AllocatorHarness.countByFramework;
import static io.mezzo.master.allocator.AllocatorHarness.cpus;
import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.master.allocator.Allocator.Grant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrfAllocatorTest {

  private static final String AGENT = "cpus:4;mem:4096;disk:1000;ports:[31000-31099]";
  private static final Duration REFUSE = Duration.ofSeconds(5);

  private final AllocatorHarness h = new AllocatorHarness();

  private void agents(int n, String resources) {
    for (int i = 0; i < n; i++) {
      h.agent("a" + i, resources);
    }
  }

  @Test
  void twoFrameworks_equalShares_alternateAgents() {
    agents(6, AGENT);
    h.framework("f1", "web").framework("f2", "web");

    List<Grant> grants = h.cycle();

    assertThat(grants).hasSize(6);
    for (int i = 1; i < grants.size(); i++) {
      assertThat(grants.get(i).frameworkId()).isNotEqualTo(grants.get(i - 1).frameworkId());
    }
    assertThat(grants).allSatisfy(g -> assertThat(g.resources()).isEqualTo(bag(AGENT)));
  }

  @Test
  void newFramework_otherHoldsBigShare_getsNewAgentsWhileOtherWaits() {
    agents(2, AGENT);
    h.framework("big", "web");
    assertThat(h.cycle()).extracting(Grant::frameworkId).containsExactly("big", "big");

    h.framework("small", "web");
    h.agent("a2", AGENT).agent("a3", AGENT);
    List<Grant> grants = h.cycle();

    assertThat(grants).extracting(Grant::frameworkId).containsExactly("small", "small");
  }

  @Test
  void roleWeights_twoToOne_allocateTwoToOne() {
    agents(30, AGENT);
    h.allocator.updateWeights(Map.of("gold", 2.0));
    h.framework("g", "gold").framework("s", "silver");

    List<Grant> grants = h.cycle();

    assertThat(countByFramework(grants)).containsEntry("g", 20L).containsEntry("s", 10L);
  }

  @Test
  void hierarchicalRoles_siblingsFirst_subRolesSplitTheirParentsShare() {
    agents(8, AGENT);
    h.framework("web", "eng/web").framework("db", "eng/db").framework("ops", "ops");

    List<Grant> grants = h.cycle();

    assertThat(countByFramework(grants)).containsEntry("web", 2L).containsEntry("db", 2L).containsEntry("ops", 4L);
    assertThat(grants).filteredOn(g -> g.frameworkId().equals("web")).allSatisfy(g -> assertThat(g.role()).isEqualTo("eng/web"));
  }

  @Test
  void reservedResources_otherRole_neverOffered() {
    h.agent("r", "cpus(gold):2;mem(gold):1024");
    h.agent("mixed", "cpus:1;mem:512;cpus(gold):2;mem(gold):1024");
    h.framework("s", "silver");

    List<Grant> silver = h.cycle();

    assertThat(silver).singleElement().satisfies(g -> {
      assertThat(g.agentId()).isEqualTo("mixed");
      assertThat(g.resources()).isEqualTo(bag("cpus:1;mem:512"));
    });

    h.framework("g", "gold");
    List<Grant> gold = h.cycle();

    assertThat(gold).hasSize(2).allSatisfy(g -> {
      assertThat(g.frameworkId()).isEqualTo("g");
      assertThat(g.role()).isEqualTo("gold");
      assertThat(g.resources()).isEqualTo(bag("cpus(gold):2;mem(gold):1024"));
    });
  }

  @Test
  void reservedForParentRole_subRoleFramework_isOffered() {
    h.agent("r", "cpus(eng):2;mem(eng):1024");
    h.framework("web", "eng/web");

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.role()).isEqualTo("eng/web"));
  }

  @Test
  void refuseFilter_untilExpiry_blocksAgentThenOffersAgain() {
    h.agent("a0", AGENT).framework("f", "web");
    h.cycle();
    h.declineAll(REFUSE);

    assertThat(h.cycle()).isEmpty();
    h.clock.advance(Duration.ofMillis(4999));
    assertThat(h.cycle()).isEmpty();
    h.clock.advance(Duration.ofMillis(1));
    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.frameworkId()).isEqualTo("f"));
  }

  @Test
  void refuseFilter_otherFramework_getsTheAgentInstead() {
    h.agent("a0", AGENT).framework("f1", "web").framework("f2", "web");
    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.frameworkId()).isEqualTo("f1"));
    h.declineAll(REFUSE);

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.frameworkId()).isEqualTo("f2"));
  }

  @Test
  void refuseFilter_revive_offersAtOnce() {
    h.agent("a0", AGENT).framework("f", "web");
    h.cycle();
    h.declineAll(Duration.ofHours(1));
    assertThat(h.cycle()).isEmpty();

    h.allocator.revive("f", Set.of());

    assertThat(h.cycle()).hasSize(1);
  }

  @Test
  void refuseFilter_moreResourcesFreedSince_offersTheLarger() {
    h.agent("a0", AGENT).framework("f", "web");
    Grant all = h.cycle().get(0);
    h.allocator.recoverResources("f", "a0", bag("cpus:1;mem:1024"), REFUSE);
    assertThat(h.cycle()).isEmpty();

    h.allocator.recoverResources("f", "a0", all.resources().subtract(bag("cpus:1;mem:1024")), null);

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.resources()).isEqualTo(all.resources()));
  }

  @Test
  void suppress_thenRevive_stopsThenRestoresOffers() {
    agents(2, AGENT);
    h.framework("f", "web", "batch");
    h.allocator.suppress("f", Set.of());
    assertThat(h.cycle()).isEmpty();

    h.allocator.revive("f", Set.of("batch"));

    assertThat(h.cycle()).hasSize(2).allSatisfy(g -> assertThat(g.role()).isEqualTo("batch"));
  }

  @Test
  void quotaLimit_roleAtLimit_getsNoMoreCpus() {
    agents(4, AGENT);
    h.framework("f", "q").framework("other", "rest");
    h.allocator.updateQuota("q", bag("cpus:6"));

    h.cycle();
    h.cycle();

    assertThat(cpus(h.history, "f")).isEqualTo(6.0);
    assertThat(cpus(h.history, "other")).isEqualTo(10.0);
  }

  @Test
  void quotaLimit_removed_roleGrowsAgain() {
    agents(2, AGENT);
    h.framework("f", "q");
    h.allocator.updateQuota("q", bag("cpus:1"));
    h.cycle();
    assertThat(cpus(h.history, "f")).isEqualTo(1.0);

    h.allocator.updateQuota("q", bag(""));
    h.cycle();

    assertThat(cpus(h.history, "f")).isEqualTo(8.0);
  }

  @Test
  void deactivatedAgent_notOffered_untilActivated() {
    h.agent("a0", AGENT).framework("f", "web");
    h.allocator.deactivateAgent("a0");
    assertThat(h.cycle()).isEmpty();

    h.allocator.activateAgent("a0");

    assertThat(h.cycle()).hasSize(1);
  }

  @Test
  void deactivatedFramework_notOffered_untilActivated() {
    agents(2, AGENT);
    h.framework("f1", "web").framework("f2", "web");
    h.allocator.deactivateFramework("f1");
    assertThat(h.cycle()).extracting(Grant::frameworkId).containsOnly("f2");
    h.declineAll(null);
    h.allocator.deactivateFramework("f2");
    assertThat(h.cycle()).isEmpty();

    h.allocator.activateFramework("f1");

    assertThat(h.cycle()).extracting(Grant::frameworkId).containsExactly("f1", "f1");
  }

  @Test
  void removeFramework_heldResources_offeredToOthers() {
    h.agent("a0", AGENT).framework("f1", "web");
    h.cycle();
    h.framework("f2", "web");
    assertThat(h.cycle()).isEmpty();

    h.allocator.removeFramework("f1");

    assertThat(h.cycle()).singleElement().satisfies(g -> {
      assertThat(g.frameworkId()).isEqualTo("f2");
      assertThat(g.resources()).isEqualTo(bag(AGENT));
    });
  }

  @Test
  void minimumAllocatable_tinyAgent_notOffered() {
    h.agent("tiny", "cpus:0.005;mem:10").agent("cpu-only", "cpus:0.01;mem:10").agent("mem-only", "cpus:0.001;mem:32");
    h.framework("f", "web");

    assertThat(h.cycle()).extracting(Grant::agentId).containsExactlyInAnyOrder("cpu-only", "mem-only");
  }

  @Test
  void recoverResources_partOfGrant_offeredAgainExactly() {
    h.agent("a0", AGENT).framework("f", "web");
    h.cycle();
    assertThat(h.cycle()).isEmpty();

    h.allocator.recoverResources("f", "a0", bag("cpus:1.5;mem:1024;ports:[31000-31009]"), Duration.ZERO);

    assertThat(h.cycle()).singleElement()
        .satisfies(g -> assertThat(g.resources()).isEqualTo(bag("cpus:1.5;mem:1024;ports:[31000-31009]")));
  }

  @Test
  void recoverResources_moreThanHeld_freesOnlyWhatWasHeld() {
    h.agent("a0", "cpus:4;mem:4096").framework("f1", "web").framework("f2", "web");
    h.cycle();

    h.allocator.recoverResources("f2", "a0", bag("cpus:4;mem:4096"), null);
    assertThat(h.cycle()).isEmpty();
    h.allocator.recoverResources("f1", "a0", bag("cpus:400;mem:40960"), null);

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.resources()).isEqualTo(bag("cpus:4;mem:4096")));
  }

  @Test
  void addAgent_resourcesInUse_offersOnlyTheRest() {
    h.framework("f", "web");
    h.allocator.addAgent("a0", bag("cpus:4;mem:4096"), Map.of("f", bag("cpus:3;mem:1024")));

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.resources()).isEqualTo(bag("cpus:1;mem:3072")));
  }

  @Test
  void addAgent_usedByFrameworkNotYetSubscribed_chargedWhenItSubscribes() {
    h.allocator.addAgent("a0", bag("cpus:4;mem:4096"), Map.of("old", bag("cpus:4;mem:4096")));
    h.framework("new", "web");
    assertThat(h.cycle()).isEmpty();
    h.framework("old", "web");

    h.agent("a1", "cpus:4;mem:4096");

    assertThat(h.cycle()).singleElement().satisfies(g -> assertThat(g.frameworkId()).isEqualTo("new"));
  }

  @Test
  void removeAgent_resourcesVanish_sharesShrink() {
    h.agent("a0", AGENT).agent("a1", AGENT).framework("f1", "web").framework("f2", "web");
    h.cycle();
    h.allocator.removeAgent("a0");
    h.allocator.removeAgent("a1");

    assertThat(h.cycle()).isEmpty();
    h.agent("a2", AGENT);
    assertThat(h.cycle()).hasSize(1);
  }
}
