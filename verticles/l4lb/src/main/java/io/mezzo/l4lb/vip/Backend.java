package io.mezzo.l4lb.vip;

/**
 * One backend of a VIP.
 *
 * @param weight 1 for a running task, 0 for one that is unhealthy or being killed (no new connections)
 */
public record Backend(BackendAddress address, int weight) {
}
