package io.mezzo.common.bus;

/**
 * Event-bus addresses shared across components ({@code mezzo.<component>.<action>}) and the
 * failure codes replies carry with {@code message.fail(code, text)}.
 */
public final class Addresses {

  /** Published by every component at its report interval; body {@code HealthReport}. */
  public static final String HEALTH_REPORT = "mezzo.health.report";

  /**
   * Published by the L4LB whenever its VIP table changes (and every few seconds): body
   * {@code {"vips": {"<name>.<framework>": ["<address>", ...]}}}, the named VIPs relative to
   * {@code l4lb.thisdcos.directory}. DNS serves them as A records. Addresses are the same on every
   * node, so any node's table will do.
   */
  public static final String L4LB_VIPS = "mezzo.l4lb.vips";

  /** Failure code: the request was malformed. */
  public static final int FAIL_BAD_REQUEST = 400;
  /** Failure code: the thing asked about does not exist. */
  public static final int FAIL_NOT_FOUND = 404;
  /** Failure code: the receiver cannot serve now (not leader, not recovered). */
  public static final int FAIL_UNAVAILABLE = 503;

  private Addresses() {
  }

  /** Where one node's diagnostics answers questions about that node; body empty, reply {@code NodeHealth}. */
  public static String diagnosticsNode(String nodeId) {
    return "mezzo.diagnostics.node." + nodeId;
  }
}
