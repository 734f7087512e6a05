package io.mezzo.dns;

import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.RecordBuilder;
import io.mezzo.dns.records.RecordsOptions;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.StateJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The {@code /master/state} fixture and a builder with a fixed clock. */
public final class Fixtures {
  public static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private Fixtures() {
  }

  public static String stateJson() {
    try (InputStream in = Fixtures.class.getResourceAsStream("/master-state.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ClusterState state() {
    return StateJson.parse(stateJson());
  }

  public static DnsRecords records() {
    return new RecordBuilder(RecordsOptions.defaults().withNameservers(List.of("10.0.0.53")), CLOCK).build(state());
  }
}
