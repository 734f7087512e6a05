package io.mezzo.marathon.validation;

import io.mezzo.marathon.model.PodDefinition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the modelled part of a pod: id, containers, resources and instance count. */
public final class PodValidator {

  private PodValidator() {
  }

  public static List<Violation> validate(PodDefinition pod) {
    Problems p = new Problems();
    AppValidator.validateId(p, "/id", pod.id());
    if (pod.containers().isEmpty()) {
      p.add("/containers", "must not be empty");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < pod.containers().size(); i++) {
      PodDefinition.PodContainer c = pod.containers().get(i);
      String path = "/containers(" + i + ")";
      p.notBlank(path + "/name", c.name());
      if (c.name() != null && !names.add(c.name())) {
        p.add("/containers", "container names must be unique");
      }
      p.min(path + "/resources/cpus", c.resources().cpus(), 0.001);
      p.min(path + "/resources/mem", c.resources().mem(), 0);
      p.min(path + "/resources/disk", c.resources().disk(), 0);
      p.min(path + "/resources/gpus", c.resources().gpus(), 0);
    }
    p.min("/scaling/instances", pod.scaling().instances(), 0);
    List<PodDefinition.PodConstraint> constraints = pod.scheduling().placement().constraints();
    for (int i = 0; i < constraints.size(); i++) {
      ConstraintRules.validate(p, "/scheduling/placement/constraints(" + i + ")", constraints.get(i).toConstraint());
    }
    return p.toList();
  }
}
