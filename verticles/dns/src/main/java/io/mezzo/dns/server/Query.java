package io.mezzo.dns.server;

import java.net.InetSocketAddress;

/**
 * One query as {@link QueryParser} read it. {@code name} is null when the header was readable but the
 * rest was not (the server answers FORMERR, or NOTIMP for other opcodes).
 *
 * @param name     the question name, lower-case, ending in a dot
 * @param question the question as received (name without compression, type, class), echoed in replies
 * @param edns     the client's EDNS0 UDP payload size, or -1 without an OPT record
 * @param client   the sender over UDP, null over TCP
 * @param local    the address the datagram arrived at, null over TCP
 */
public record Query(int id, int opcode, boolean rd, String name, int type, int dnsClass, int edns, byte[] question,
                    InetSocketAddress client, InetSocketAddress local) {

  public static final int OPCODE_QUERY = 0;

  public boolean tcp() {
    return client == null;
  }

  public boolean malformed() {
    return name == null;
  }

  /** The largest reply the client takes: 65,535 over TCP, 512 or its EDNS0 size (at most 4096) over UDP. */
  int limit() {
    if (tcp()) {
      return 65_535;
    }
    return udpLimit(edns);
  }

  /** The largest UDP reply for a client that sent EDNS0 size {@code edns} (-1: no OPT record). */
  static int udpLimit(int edns) {
    return edns < 0 ? QueryHandler.UDP_MIN : Math.max(QueryHandler.UDP_MIN, Math.min(QueryHandler.UDP_MAX, edns));
  }
}
