package io.mezzo.l4lb;

/** Every {@link L4lbIT} test on the io_uring data plane. */
class L4lbIoUringIT extends L4lbIT {
  @Override
  String dataPlane() {
    return "io_uring";
  }
}
