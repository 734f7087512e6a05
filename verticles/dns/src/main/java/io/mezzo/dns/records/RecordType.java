package io.mezzo.dns.records;

/** The record types Mezzo serves, with their wire codes. */
public enum RecordType {
  A(1), NS(2), SOA(6), AAAA(28), SRV(33), ANY(255);

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a wire code, or null for types this server does not hold (MX, TXT, PTR...). */
  public static RecordType of(int code) {
    for (RecordType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
