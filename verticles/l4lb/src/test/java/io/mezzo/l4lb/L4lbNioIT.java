package io.mezzo.l4lb;

/** Every {@link L4lbIT} test on the fallback data plane: Vert.x proxies on the node's NIO event loops. */
class L4lbNioIT extends L4lbIT {
  @Override
  String dataPlane() {
    return "vertx";
  }
}
