package io.mezzo.mesos.protocol;

/**
 * The master–agent protocol of Mezzo, carried over the clustered Vert.x event bus as JSON objects
 * whose Mesos payloads use Mesos-style JSON ({@code io.mezzo.mesos.proto.MesosJson}). Mesos speaks
 * this part over libprocess messages that are not a public API; ours is free, with the same flow:
 *
 * <pre>
 * agent  → master  REGISTER {agent_pid, agent_info, version}            reply {agent_id, master_id, ping_timeout_seconds}
 * agent  → master  REREGISTER {agent_id, agent_pid, agent_info, tasks[], frameworks[]}   reply {agent_id, master_id}
 * agent  → master  STATUS_UPDATE {agent_id, framework_id, status}       reply {} once the master took it
 * agent  → master  UNREGISTER {agent_id}                                reply {}
 * master → agent   PING {master_id}                                     reply {} (no reply in time = a missed ping)
 * master → agent   RUN_TASK {framework, task} | RUN_TASK_GROUP {framework, executor, task_group}   reply {}
 * master → agent   KILL_TASK {framework_id, task_id, kill_policy?}      reply {}
 * master → agent   ACKNOWLEDGE {framework_id, task_id, uuid}            reply {}
 * master → agent   SHUTDOWN_FRAMEWORK {framework_id}                    reply {}
 * master → agent   FRAMEWORK_MESSAGE {framework_id, executor_id, data}  reply {}
 * </pre>
 *
 * The event bus delivers at most once. Status updates are retried by the agent until the
 * framework's ACKNOWLEDGE comes back, so none is lost; launches lost on the way are found by
 * reconciliation (the task is unknown to the agent) as in Mesos. Failure replies use the codes below.
 */
public final class AgentProtocol {
  /** Where agents send to the leading master. */
  public static final String MASTER_ADDRESS = "mezzo.mesos.master.agents";

  /**
   * Published by a master once it leads and has recovered, body {@code {master_id, address, zk_path}}:
   * agents that were registered with an earlier leader re-register with this one, and a master of the
   * same election ({@code zk_path}) that still believes it leads steps down.
   */
  public static final String LEADER_ELECTED = "mezzo.mesos.master.elected";

  /** Prefix of an agent's own address; the rest is the agent process's random pid. */
  public static final String AGENT_ADDRESS_PREFIX = "mezzo.mesos.agent.";

  public static final String TYPE = "type";

  public static final String REGISTER = "REGISTER";
  public static final String REREGISTER = "REREGISTER";
  public static final String STATUS_UPDATE = "STATUS_UPDATE";
  public static final String UNREGISTER = "UNREGISTER";
  public static final String PING = "PING";
  public static final String RUN_TASK = "RUN_TASK";
  public static final String RUN_TASK_GROUP = "RUN_TASK_GROUP";
  public static final String KILL_TASK = "KILL_TASK";
  public static final String ACKNOWLEDGE = "ACKNOWLEDGE";
  public static final String SHUTDOWN_FRAMEWORK = "SHUTDOWN_FRAMEWORK";
  public static final String FRAMEWORK_MESSAGE = "FRAMEWORK_MESSAGE";

  /** Failure code: this master is not the leader (the agent should find the leader and retry). */
  public static final int NOT_LEADER = 503;
  /** Failure code: the message was malformed. */
  public static final int BAD_MESSAGE = 400;
  /** Failure code: the agent is not registered (or was removed); it should register anew. */
  public static final int UNKNOWN_AGENT = 404;
  /** Failure code: the agent was marked gone and must not come back under this id. */
  public static final int AGENT_GONE = 410;

  private AgentProtocol() {
  }

  public static String agentAddress(String pid) {
    return AGENT_ADDRESS_PREFIX + pid;
  }
}
