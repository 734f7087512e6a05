package io.mezzo.dns.records;

/** One resource record; {@code name} is fully qualified, lower-case and ends in a dot. */
public record ResourceRecord(String name, long ttl, Rdata data) {

  public RecordType type() {
    return data.type();
  }
}
