package io.mezzo.marathon.core;

import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.PortDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assigns service ports for {@code portDefinitions} given as 0, from Marathon's default range 10000–20000: an app
 * that had a port at the same index keeps it, others get the lowest port no app uses.
 */
public final class ServicePorts {

  public static final int FIRST = 10_000;
  public static final int LAST = 20_000;

  private ServicePorts() {
  }

  public static Group assign(Group original, Group target) {
    Map<String, AppDefinition> before = Groups.apps(original);
    Set<Integer> used = new HashSet<>();
    Groups.apps(target).values().forEach(a -> a.portDefinitions().forEach(p -> used.add(p.port())));
    Group out = target;
    for (AppDefinition app : Groups.apps(target).values()) {
      if (app.portDefinitions().stream().noneMatch(p -> p.port() == 0)) {
        continue;
      }
      AppDefinition old = before.get(app.id());
      List<PortDefinition> ports = new ArrayList<>();
      for (int i = 0; i < app.portDefinitions().size(); i++) {
        PortDefinition p = app.portDefinitions().get(i);
        if (p.port() != 0) {
          ports.add(p);
          continue;
        }
        Integer kept = old != null && i < old.portDefinitions().size() ? old.portDefinitions().get(i).port() : null;
        int port = kept != null && kept != 0 && !usedElsewhere(target, app.id(), kept) ? kept : free(used);
        used.add(port);
        ports.add(new PortDefinition(port, p.protocol(), p.name(), p.labels()));
      }
      out = Groups.putApp(out, app.toBuilder().portDefinitions(ports).build());
    }
    return out;
  }

  private static boolean usedElsewhere(Group root, String appId, int port) {
    return Groups.apps(root).values().stream().filter(a -> !a.id().equals(appId))
        .anyMatch(a -> a.portDefinitions().stream().anyMatch(p -> p.port() == port));
  }

  private static int free(Set<Integer> used) {
    for (int p = FIRST; p <= LAST; p++) {
      if (!used.contains(p)) {
        return p;
      }
    }
    throw new MarathonException(422, MarathonException.message("All service ports in " + FIRST + "-" + LAST
        + " are taken"));
  }
}
