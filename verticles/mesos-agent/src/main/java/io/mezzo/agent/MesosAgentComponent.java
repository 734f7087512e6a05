package io.mezzo.agent;

import io.mezzo.common.component.Component;
import io.mezzo.common.component.ComponentConfig;
import io.mezzo.common.component.ComponentContext;
import io.vertx.core.Deployable;
import java.util.Set;

/** The Mesos agent: runs the master's tasks as isolated processes on this machine. */
public final class MesosAgentComponent implements Component {

  @Override
  public String name() {
    return "mesos-agent";
  }

  @Override
  public String title() {
    return "Mesos Agent";
  }

  @Override
  public Set<String> roles() {
    return Set.of("agent", "agent-public");
  }

  @Override
  public Class<? extends ComponentConfig> configType() {
    return AgentConfig.class;
  }

  @Override
  public ComponentConfig defaults() {
    return AgentConfig.DEFAULTS;
  }

  @Override
  public Deployable create(ComponentContext context) {
    return new AgentVerticle(context);
  }
}
