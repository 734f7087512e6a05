package io.mezzo.master.allocator;

import io.mezzo.mesos.proto.ResourceBag;
import java.util.List;

/**
 * Tuning of {@link DrfAllocator}.
 *
 * @param minAllocatable alternatives of the smallest offer worth making: resources are offered when
 *     they cover at least one alternative (Mesos's {@code --min_allocatable_resources}, default
 *     {@code cpus:0.01|mem:32}); each alternative may name cpus, mem, disk and gpus only; an empty
 *     list offers anything non-empty
 */
public record AllocatorOptions(List<ResourceBag> minAllocatable) {

  public AllocatorOptions {
    minAllocatable = List.copyOf(minAllocatable);
    minAllocatable.forEach(Quantities::requirement);
  }

  /** Mesos's defaults: offer when there is at least 0.01 cpus or 32 MB of memory. */
  public static AllocatorOptions defaults() {
    return new AllocatorOptions(List.of(ResourceBag.parse("cpus:0.01", "*"), ResourceBag.parse("mem:32", "*")));
  }
}
