package io.mezzo.master.core;

import io.mezzo.mesos.proto.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/**
 * The persistent volumes of one agent (CREATE / DESTROY / GROW_VOLUME / SHRINK_VOLUME, or the
 * operator's CREATE_VOLUMES / DESTROY_VOLUMES / GROW_VOLUME / SHRINK_VOLUME). A volume is reserved
 * disk with {@code disk.persistence.id} and a volume path; in the agent's total it is part of the
 * role's disk (a {@link io.mezzo.mesos.proto.ResourceBag} does not see disk info), and it is carved
 * out of that disk again whenever resources are offered or shown. Immutable; resources are kept as
 * stored (no allocation info).
 */
final class Volumes {
  static final Volumes NONE = new Volumes(List.of());

  private final List<Resource> volumes;

  private Volumes(List<Resource> volumes) {
    this.volumes = List.copyOf(volumes);
  }

  /** The persistent volumes among {@code resources} (e.g. an AgentInfo read back from the registry). */
  static Volumes from(List<Resource> resources) {
    List<Resource> found = resources.stream().filter(Volumes::isVolume).map(Volumes::stored).toList();
    return found.isEmpty() ? NONE : new Volumes(found);
  }

  static boolean isVolume(Resource r) {
    return r.hasDisk() && r.getDisk().hasPersistence() && !r.getDisk().getPersistence().getId().isEmpty();
  }

  static String id(Resource volume) {
    return volume.getDisk().getPersistence().getId();
  }

  /** As kept: without allocation info. */
  static Resource stored(Resource r) {
    return r.toBuilder().clearAllocationInfo().build();
  }

  /** The disk a volume is made of: the same resource without its disk info. */
  static Resource plain(Resource volume) {
    return volume.toBuilder().clearDisk().clearAllocationInfo().build();
  }

  boolean isEmpty() {
    return volumes.isEmpty();
  }

  List<Resource> list() {
    return volumes;
  }

  boolean has(String id) {
    return volumes.stream().anyMatch(v -> id(v).equals(id));
  }

  Volumes plus(List<Resource> created) {
    List<Resource> next = new ArrayList<>(volumes);
    created.forEach(v -> next.add(stored(v)));
    return new Volumes(next);
  }

  Volumes minus(Collection<String> ids) {
    List<Resource> next = volumes.stream().filter(v -> !ids.contains(id(v))).toList();
    return next.isEmpty() ? NONE : new Volumes(next);
  }

  /** The volume with this id as kept, if there is one. */
  java.util.Optional<Resource> get(String id) {
    return volumes.stream().filter(v -> id(v).equals(id)).findFirst();
  }

  /** The volumes with the one of {@code resized}'s id replaced by {@code resized} (GROW_VOLUME, SHRINK_VOLUME). */
  Volumes replace(Resource resized) {
    List<Resource> next = new ArrayList<>(volumes.size());
    volumes.forEach(v -> next.add(id(v).equals(id(resized)) ? stored(resized) : v));
    return new Volumes(next);
  }

  /** Megabytes of the role's disk held by volumes. */
  double size(String role) {
    return volumes.stream().filter(v -> Resources.roleOf(v).equals(role)).mapToDouble(v -> v.getDisk().hasPersistence()
        ? v.getScalar().getValue() : 0).sum();
  }

  /**
   * {@code resources} with the volumes whose id is in {@code include} carved out of the plain disk of
   * their role (a volume only when that disk holds all of it); the rest of the disk stays plain.
   * Allocation info of the disk is carried over to the volume.
   */
  List<Resource> carve(List<Resource> resources, Set<String> include) {
    if (volumes.isEmpty()) {
      return resources;
    }
    List<Resource> out = new ArrayList<>(resources);
    for (Resource v : volumes) {
      if (!include.contains(id(v))) {
        continue;
      }
      for (int i = 0; i < out.size(); i++) {
        Resource r = out.get(i);
        if (r.getName().equals("disk") && !r.hasDisk() && r.getType() == Value.Type.SCALAR
            && Resources.roleOf(r).equals(Resources.roleOf(v)) && r.getScalar().getValue() + 1e-9 >= v.getScalar().getValue()) {
          double left = Math.round((r.getScalar().getValue() - v.getScalar().getValue()) * 1000) / 1000.0;
          Resource.Builder volume = v.toBuilder();
          if (r.hasAllocationInfo()) {
            volume.setAllocationInfo(r.getAllocationInfo());
          }
          if (left > 0) {
            out.set(i, r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(left)).build());
            out.add(i + 1, volume.build());
          } else {
            out.set(i, volume.build());
          }
          break;
        }
      }
    }
    return out;
  }

  Set<String> ids() {
    return Set.copyOf(volumes.stream().map(Volumes::id).toList());
  }
}
