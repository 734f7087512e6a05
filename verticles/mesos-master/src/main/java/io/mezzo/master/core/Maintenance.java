package io.mezzo.master.core;

import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.MachineID;
import org.apache.mesos.v1.Protos.Unavailability;
import org.apache.mesos.v1.maintenance.Protos.ClusterStatus;
import org.apache.mesos.v1.maintenance.Protos.Schedule;
import org.apache.mesos.v1.maintenance.Protos.Window;

/**
 * Maintenance of machines, with Mesos's modes: a machine in the schedule is DRAINING (its agents
 * still run tasks, and their offers carry the window's unavailability), START_MAINTENANCE takes it
 * DOWN (its agents are removed and may not register), STOP_MAINTENANCE brings it UP again and out
 * of the schedule. A machine is a hostname and/or an IP; an agent is on it when its hostname equals
 * either (hostnames compare without case).
 */
final class Maintenance {
  private Schedule schedule = Schedule.getDefaultInstance();
  private final Set<Machine> down = new LinkedHashSet<>();

  /** A machine id as compared: lower-case hostname and ip, each possibly empty. */
  record Machine(String hostname, String ip) {
    static Machine of(MachineID id) {
      return new Machine(id.getHostname().toLowerCase(Locale.ROOT), id.getIp());
    }

    MachineID toId() {
      MachineID.Builder b = MachineID.newBuilder();
      if (!hostname.isEmpty()) {
        b.setHostname(hostname);
      }
      if (!ip.isEmpty()) {
        b.setIp(ip);
      }
      return b.build();
    }

    boolean hosts(AgentInfo agent) {
      String host = agent.getHostname().toLowerCase(Locale.ROOT);
      return (!hostname.isEmpty() && hostname.equals(host)) || (!ip.isEmpty() && ip.equals(agent.getHostname()));
    }

    @Override
    public String toString() {
      return (hostname.isEmpty() ? "" : hostname) + (ip.isEmpty() ? "" : (hostname.isEmpty() ? "" : "/") + ip);
    }
  }

  Schedule schedule() {
    return schedule;
  }

  /** GET_MAINTENANCE_STATUS: scheduled machines that are not down are draining (the master adds the inverse offers' statuses). */
  ClusterStatus status() {
    ClusterStatus.Builder b = ClusterStatus.newBuilder();
    for (Machine m : scheduled()) {
      if (!down.contains(m)) {
        b.addDrainingMachines(ClusterStatus.DrainingMachine.newBuilder().setId(m.toId()));
      }
    }
    down.forEach(m -> b.addDownMachines(m.toId()));
    return b.build();
  }

  private List<Machine> scheduled() {
    List<Machine> out = new ArrayList<>();
    for (Window w : schedule.getWindowsList()) {
      w.getMachineIdsList().forEach(id -> out.add(Machine.of(id)));
    }
    return out;
  }

  /** Why {@code next} cannot replace the schedule, or null (then it has). */
  String update(Schedule next) {
    Set<Machine> seen = new LinkedHashSet<>();
    for (Window w : next.getWindowsList()) {
      if (w.getMachineIdsCount() == 0) {
        return "List of machines in the maintenance window is empty";
      }
      if (!w.hasUnavailability()) {
        return "Maintenance window has no unavailability";
      }
      if (w.getUnavailability().hasDuration() && w.getUnavailability().getDuration().getNanoseconds() < 0) {
        return "Unavailability duration is negative";
      }
      for (MachineID id : w.getMachineIdsList()) {
        String problem = validate(id);
        if (problem != null) {
          return problem;
        }
        if (!seen.add(Machine.of(id))) {
          return "Machine '" + Machine.of(id) + "' appears more than once in the schedule";
        }
      }
    }
    for (Machine m : down) {
      if (!seen.contains(m)) {
        return "Machine '" + m + "' is deactivated and cannot be removed from the schedule";
      }
    }
    schedule = next;
    return null;
  }

  /** Why the machines cannot go DOWN, or null (then they are). */
  String start(List<MachineID> machines) {
    String problem = check(machines);
    if (problem != null) {
      return problem;
    }
    List<Machine> scheduled = scheduled();
    for (MachineID id : machines) {
      Machine m = Machine.of(id);
      if (!scheduled.contains(m)) {
        return "Machine '" + m + "' is not part of a maintenance schedule";
      }
      if (down.contains(m)) {
        return "Machine '" + m + "' is not in DRAINING mode and cannot be brought down";
      }
    }
    machines.forEach(id -> down.add(Machine.of(id)));
    return null;
  }

  /** Why the machines cannot come UP, or null (then they are, and they leave the schedule). */
  String stop(List<MachineID> machines) {
    String problem = check(machines);
    if (problem != null) {
      return problem;
    }
    for (MachineID id : machines) {
      if (!down.contains(Machine.of(id))) {
        return "Machine '" + Machine.of(id) + "' is not in DOWN mode and cannot be brought up";
      }
    }
    Set<Machine> up = new LinkedHashSet<>();
    machines.forEach(id -> up.add(Machine.of(id)));
    down.removeAll(up);
    Schedule.Builder next = Schedule.newBuilder();
    for (Window w : schedule.getWindowsList()) {
      List<MachineID> left = w.getMachineIdsList().stream().filter(id -> !up.contains(Machine.of(id))).toList();
      if (!left.isEmpty()) {
        next.addWindows(w.toBuilder().clearMachineIds().addAllMachineIds(left));
      }
    }
    schedule = next.build();
    return null;
  }

  private static String check(List<MachineID> machines) {
    if (machines.isEmpty()) {
      return "List of machines is empty";
    }
    Set<Machine> seen = new LinkedHashSet<>();
    for (MachineID id : machines) {
      String problem = validate(id);
      if (problem != null) {
        return problem;
      }
      if (!seen.add(Machine.of(id))) {
        return "Machine '" + Machine.of(id) + "' appears more than once";
      }
    }
    return null;
  }

  private static String validate(MachineID id) {
    if (id.getHostname().isEmpty() && id.getIp().isEmpty()) {
      return "Machine ID must have a hostname or an IP";
    }
    if (!id.getIp().isEmpty() && !id.getIp().matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return "Machine ID has an invalid IP '" + id.getIp() + "'";
    }
    return null;
  }

  /** The scheduled machine that holds the agent, unless it is down. */
  Optional<Machine> drainingMachine(AgentInfo agent) {
    for (Window w : schedule.getWindowsList()) {
      for (MachineID id : w.getMachineIdsList()) {
        Machine m = Machine.of(id);
        if (m.hosts(agent)) {
          return down.contains(m) ? Optional.empty() : Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  boolean isDraining(Machine machine) {
    return !down.contains(machine) && scheduled().contains(machine);
  }

  /** Whether any machine of the schedule is draining (not down). */
  boolean hasDraining() {
    return scheduled().size() > down.size();
  }

  boolean isDown(AgentInfo agent) {
    for (Machine m : down) {
      if (m.hosts(agent)) {
        return true;
      }
    }
    return false;
  }

  /** The unavailability of the window that holds the agent's machine, for its offers. */
  Optional<Unavailability> unavailability(AgentInfo agent) {
    for (Window w : schedule.getWindowsList()) {
      for (MachineID id : w.getMachineIdsList()) {
        if (Machine.of(id).hosts(agent)) {
          return Optional.of(w.getUnavailability());
        }
      }
    }
    return Optional.empty();
  }

  /** The registry's record: {@code {"schedule": <Schedule>, "down_machines": [<MachineID>...]}}. */
  String toJson() {
    JsonArray machines = new JsonArray();
    down.forEach(m -> machines.add(new JsonObject(MesosJson.print(m.toId()))));
    return new JsonObject().put("schedule", new JsonObject(MesosJson.print(schedule))).put("down_machines", machines).encode();
  }

  /** Restores what {@link #toJson} wrote (a new leader after a failover). */
  void restore(String json) {
    JsonObject o = new JsonObject(json);
    schedule = MesosJson.parse(o.getJsonObject("schedule", new JsonObject()).encode(), Schedule.getDefaultInstance());
    down.clear();
    for (Object m : o.getJsonArray("down_machines", new JsonArray())) {
      down.add(Machine.of(MesosJson.parse(((JsonObject) m).encode(), MachineID.getDefaultInstance())));
    }
  }

  boolean isEmpty() {
    return schedule.getWindowsCount() == 0 && down.isEmpty();
  }
}
