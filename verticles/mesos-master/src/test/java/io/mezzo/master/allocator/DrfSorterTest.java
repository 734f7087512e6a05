package io.mezzo.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrfSorterTest {

  private static final long[] TOTAL = {100_000, 1_000_000, 0, 0};

  private static DrfSorter sorter(boolean hierarchical, String... clients) {
    DrfSorter s = new DrfSorter(hierarchical);
    s.setTotal(TOTAL);
    for (String c : clients) {
      s.add(c);
      s.activate(c);
    }
    return s;
  }

  @Test
  void flat_dominantResource_decidesOrder() {
    DrfSorter s = sorter(false, "cpu-heavy", "mem-heavy", "idle");
    s.allocated("cpu-heavy", new long[] {50_000, 10_000, 0, 0}, 1);
    s.allocated("mem-heavy", new long[] {1_000, 400_000, 0, 0}, 1);

    assertThat(s.order()).containsExactly("idle", "mem-heavy", "cpu-heavy");
  }

  @Test
  void hierarchical_roleWithSubRole_parentCompetesWithItsSubtreeTotal() {
    DrfSorter s = sorter(true, "eng", "eng/web", "ops");
    s.allocated("eng/web", new long[] {30_000, 0, 0, 0}, 1);
    s.allocated("ops", new long[] {20_000, 0, 0, 0}, 1);

    assertThat(s.order()).containsExactly("ops", "eng", "eng/web");
    assertThat(s.subtreeAllocation("eng")).containsExactly(30_000, 0, 0, 0);
  }

  @Test
  void hierarchical_weightOnParent_scalesTheWholeSubtree() {
    DrfSorter s = sorter(true, "eng/web", "ops");
    s.setWeight("eng", 3.0);
    s.allocated("eng/web", new long[] {30_000, 0, 0, 0}, 1);
    s.allocated("ops", new long[] {20_000, 0, 0, 0}, 1);

    assertThat(s.order()).containsExactly("eng/web", "ops");
  }

  @Test
  void totalGrows_staleShares_rebuiltBeforeNextOrder() {
    DrfSorter s = sorter(false, "a", "b");
    s.allocated("a", new long[] {10_000, 0, 0, 0}, 1);
    s.allocated("b", new long[] {0, 200_000, 0, 0}, 1);
    assertThat(s.order()).containsExactly("a", "b");

    s.setTotal(new long[] {10_000, 1_000_000, 0, 0});
    s.allocated("b", new long[] {0, 1, 0, 0}, 1);

    assertThat(s.order()).containsExactly("b", "a");
  }

  @Test
  void inactiveClient_keptForShares_leftOutOfOrder() {
    DrfSorter s = sorter(true, "eng/web", "eng/db");
    s.deactivate("eng/db");

    assertThat(s.order()).containsExactly("eng/web");
    s.remove("eng/web");
    assertThat(s.order()).isEmpty();
    assertThat(s.hasActive()).isFalse();
  }
}
