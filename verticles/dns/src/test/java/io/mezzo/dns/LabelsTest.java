package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.dns.records.Labels;
import org.junit.jupiter.api.Test;

class LabelsTest {
  private final Labels rfc1123 = new Labels(false);
  private final Labels rfc952 = new Labels(true);

  @Test
  void label_upperCaseAndPunctuation_lowerCasedSeparatorsBecomeHyphensOthersDropped() {
    assertThat(rfc1123.label("Web_Server#1 (Canary)")).isEqualTo("web-server1canary");
    assertThat(rfc1123.label("myapp.mygroup")).isEqualTo("myapp-mygroup");
    assertThat(rfc1123.label("/mygroup/myapp")).isEqualTo("mygroupmyapp");
  }

  @Test
  void label_leadingAndTrailingHyphens_trimmed() {
    assertThat(rfc1123.label("--_a-b_.")).isEqualTo("a-b");
    assertThat(rfc1123.label("...")).isEmpty();
  }

  @Test
  void label_longerThan63_cutThenTrailingHyphenTrimmed() {
    String name = "a".repeat(62) + "-bbbb";
    assertThat(rfc1123.label(name)).isEqualTo("a".repeat(62));
    assertThat(rfc1123.label("x".repeat(100))).hasSize(63);
  }

  @Test
  void label_droppedCharactersDoNotCountTowardTheLimit_cutRefilledFromFollowingCharacters() {
    String name = "!!!!" + "a".repeat(60) + "bcd";
    assertThat(rfc1123.label(name)).isEqualTo("a".repeat(60) + "bcd");
  }

  @Test
  void label_rfc952Mode_cutTo24AndLeadingDigitsTrimmed() {
    assertThat(rfc952.label("123-abc")).isEqualTo("abc");
    assertThat(rfc952.label("z".repeat(30))).hasSize(24);
    assertThat(rfc1123.label("123-abc")).isEqualTo("123-abc");
  }

  @Test
  void domainFrag_dottedFrameworkName_eachLabelSanitizedEmptyLabelsDropped() {
    assertThat(rfc1123.domainFrag("Marathon.Prod")).isEqualTo("marathon.prod");
    assertThat(rfc1123.domainFrag("a..b_c.#")).isEqualTo("a.b-c");
  }
}
