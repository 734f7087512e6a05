package io.mezzo.marathon.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathIdTest {

  @Test
  void relativeId_resolvedAgainstParent_becomesAbsolute() {
    PathId base = PathId.parse("/prod");

    assertThat(PathId.parse("web").resolve(base)).hasToString("/prod/web");
    assertThat(PathId.parse("../dev/web").resolve(base)).hasToString("/dev/web");
    assertThat(PathId.parse("/other").resolve(base)).hasToString("/other");
    assertThat(PathId.parse("../../..").resolve(base)).isEqualTo(PathId.ROOT);
  }

  @Test
  void ids_checkedAgainstGrammar_acceptOnlyLowercaseLabels() {
    assertThat(PathId.isValid("/prod/web-1")).isTrue();
    assertThat(PathId.isValid("/prod/a.b.c")).isTrue();
    assertThat(PathId.isValid("../x")).isTrue();
    assertThat(PathId.isValid("/Prod")).isFalse();
    assertThat(PathId.isValid("/-web")).isFalse();
    assertThat(PathId.isValid("/web-")).isFalse();
    assertThat(PathId.isValid("/a_b")).isFalse();
    assertThat(PathId.isValid("/a..b")).isFalse();
  }

  @Test
  void pathNavigation_parentChildAndDescendant_behave() {
    PathId web = PathId.parse("/prod/web");

    assertThat(web.parent()).hasToString("/prod");
    assertThat(web.name()).isEqualTo("web");
    assertThat(web.parent().child("db")).hasToString("/prod/db");
    assertThat(web.isDescendantOf(PathId.parse("/prod"))).isTrue();
    assertThat(web.isDescendantOf(web)).isFalse();
  }
}
