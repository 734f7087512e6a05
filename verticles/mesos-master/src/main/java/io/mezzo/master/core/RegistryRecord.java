package io.mezzo.master.core;

/**
 * A change to the master's durable registry: which agents and frameworks exist, so that a new
 * leader knows whom to expect back. Tasks are not stored: agents report them when they re-register.
 *
 * @param kind   AGENT, FRAMEWORK, GONE_AGENT or MAINTENANCE
 * @param id     the agent or framework id
 * @param json   the AgentInfo/FrameworkInfo (Mesos JSON) to keep, or null when removed
 */
public record RegistryRecord(Kind kind, String id, String json) {

  /** MAINTENANCE: the one record of the maintenance schedule and the machines that are down (id {@code machines}). */
  public enum Kind { AGENT, FRAMEWORK, GONE_AGENT, MAINTENANCE }
}
