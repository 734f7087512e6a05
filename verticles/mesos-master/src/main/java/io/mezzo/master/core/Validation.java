package io.mezzo.master.core;

import org.apache.mesos.v1.Protos.FrameworkInfo;

/** Checks of framework and role input, with Mesos's rules; each returns a message or null when valid. */
public final class Validation {
  private Validation() {
  }

  /** A role name as Mesos accepts it: not empty, no {@code .} or {@code ..} component, no leading {@code -}, ... */
  public static String role(String role) {
    if (role.isEmpty()) {
      return "Role name cannot be empty";
    }
    if (role.equals("*")) {
      return null;
    }
    if (role.startsWith("/") || role.endsWith("/")) {
      return "Role '" + role + "' cannot start or end with '/'";
    }
    if (role.contains("//")) {
      return "Role '" + role + "' cannot contain '//'";
    }
    for (String part : role.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        return "Role '" + role + "' cannot have '.' or '..' as a path component";
      }
      if (part.startsWith("-")) {
        return "Role '" + role + "' cannot have a path component starting with '-'";
      }
      if (part.equals("*")) {
        return "Role '" + role + "' cannot have '*' as a path component";
      }
    }
    for (int i = 0; i < role.length(); i++) {
      char c = role.charAt(i);
      if (Character.isWhitespace(c) || c == 127 || c < 32) {
        return "Role '" + role + "' cannot contain whitespace or control characters";
      }
    }
    return null;
  }

  @SuppressWarnings("deprecation")
  static String frameworkInfo(FrameworkInfo fi) {
    boolean multiRole = fi.getCapabilitiesList().stream().anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
    if (multiRole && fi.hasRole()) {
      return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    }
    if (!multiRole && fi.getRolesCount() > 0) {
      return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
    }
    for (String role : multiRole ? fi.getRolesList() : java.util.List.of(fi.hasRole() ? fi.getRole() : "*")) {
      String problem = role(role);
      if (problem != null) {
        return problem;
      }
    }
    if (multiRole && fi.getRolesList().stream().distinct().count() != fi.getRolesCount()) {
      return "'FrameworkInfo.roles' contains duplicate items";
    }
    if (fi.getFailoverTimeout() < 0 || Double.isNaN(fi.getFailoverTimeout()) || Double.isInfinite(fi.getFailoverTimeout())) {
      return "'FrameworkInfo.failover_timeout' must be a non-negative number of seconds";
    }
    return null;
  }
}
