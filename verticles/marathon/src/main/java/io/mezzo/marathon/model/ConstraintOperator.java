package io.mezzo.marathon.model;

public enum ConstraintOperator {
  UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS;

  static ConstraintOperator parse(String name) {
    for (ConstraintOperator op : values()) {
      if (op.name().equals(name)) {
        return op;
      }
    }
    return null;
  }
}
