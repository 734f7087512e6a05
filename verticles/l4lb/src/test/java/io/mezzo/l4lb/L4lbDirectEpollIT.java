package io.mezzo.l4lb;

/** Every {@link L4lbIT} test on the direct-epoll data plane (Mezzo's own epoll loops over plain sockets). */
class L4lbDirectEpollIT extends L4lbIT {
  @Override
  String dataPlane() {
    return "direct-epoll";
  }
}
