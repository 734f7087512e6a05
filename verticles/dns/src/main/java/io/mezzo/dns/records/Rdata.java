package io.mezzo.dns.records;

import java.net.Inet4Address;
import java.net.InetAddress;

/** The data part of a resource record. Names are fully qualified, lower-case, ending in a dot. */
public sealed interface Rdata {

  RecordType type();

  /** A for an IPv4 address, AAAA for IPv6. */
  record Address(InetAddress ip) implements Rdata {
    @Override
    public RecordType type() {
      return ip instanceof Inet4Address ? RecordType.A : RecordType.AAAA;
    }

    @Override
    public String toString() {
      return ip.getHostAddress();
    }
  }

  record Srv(int priority, int weight, int port, String target) implements Rdata {
    @Override
    public RecordType type() {
      return RecordType.SRV;
    }

    @Override
    public String toString() {
      return target + ":" + port;
    }
  }

  record Soa(String mname, String rname, long serial, long refresh, long retry, long expire, long minimum)
      implements Rdata {
    @Override
    public RecordType type() {
      return RecordType.SOA;
    }
  }

  record Ns(String host) implements Rdata {
    @Override
    public RecordType type() {
      return RecordType.NS;
    }

    @Override
    public String toString() {
      return host;
    }
  }
}
