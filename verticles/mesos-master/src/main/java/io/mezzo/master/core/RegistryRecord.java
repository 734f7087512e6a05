package io.mezzo.master.core;

/**
 * A change to the master's durable registry: which agents and frameworks exist, so that a new
 * leader knows whom to expect back. Tasks are not stored: agents report them when they re-register.
 *
 * @param kind   what the record is
 * @param id     the agent or framework id
 * @param json   the AgentInfo/FrameworkInfo (Mesos JSON) to keep, or null when removed
 */
public record RegistryRecord(Kind kind, String id, String json) {

  /**
   * UNREACHABLE_AGENT: an agent (still in AGENT) that stopped answering pings, with the time it did;
   * removed when it re-registers. MAINTENANCE: the one record of the maintenance schedule and the
   * machines that are down (id {@code machines}). AGENT_STATE: an agent that is deactivated or
   * draining ({@code {"deactivated":true,"drain_info":...}}); removed when it is active again.
   * COMPLETED_FRAMEWORK: a framework that was torn down or removed
   * ({@code {"framework_info":...,"registered_time":<ns>,"unregistered_time":<ns>}}), one of the last
   * {@code max_completed_frameworks}; removed when it falls out of that list.
   */
  public enum Kind { AGENT, FRAMEWORK, GONE_AGENT, MAINTENANCE, UNREACHABLE_AGENT, AGENT_STATE, COMPLETED_FRAMEWORK }
}
