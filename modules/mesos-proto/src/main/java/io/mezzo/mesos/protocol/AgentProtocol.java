package io.mezzo.mesos.protocol;

/**
 * The master–agent protocol of Mezzo, carried over the clustered Vert.x event bus as JSON objects
 * whose Mesos payloads use Mesos-style JSON ({@code io.mezzo.mesos.proto.MesosJson}). Mesos speaks
 * this part over libprocess messages that are not a public API; ours is free, with the same flow:
 *
 * <pre>
 * agent  → master  REGISTER {agent_pid, agent_info, version}            reply {agent_id, master_id, ping_timeout_seconds}
 *                  (agent_info_protobuf may stand for agent_info, here and in REREGISTER: see {@link #AGENT_INFO_PROTOBUF})
 * agent  → master  REREGISTER {agent_id, agent_pid, agent_info, tasks[], frameworks[]}   reply {agent_id, master_id}
 *                  (or tasks_protobuf instead of tasks[]: see {@link #TASKS_PROTOBUF}; optional completed_tasks[]:
 *                  see {@link #COMPLETED_TASKS})
 * agent  → master  STATUS_UPDATE {agent_id, framework_id, status}       reply {} once the master took it
 *                  (status_protobuf may stand for status: see {@link #STATUS_PROTOBUF})
 * agent  → master  UNREGISTER {agent_id}                                reply {}
 * agent  → master  EXECUTOR_MESSAGE {agent_id, framework_id, executor_id, data}   reply {} (best effort: the
 *                  master hands it to the framework as a MESSAGE event if it is subscribed, else drops it)
 * master → agent   PING {master_id}                                     reply {} (no reply in time = a missed ping)
 * master → agent   RUN_TASK {framework, task} | RUN_TASK_GROUP {framework, executor, task_group}   reply {}
 *                  (in RUN_TASK framework_protobuf and task_protobuf may stand for framework and task)
 * master → agent   KILL_TASK {framework_id, task_id, kill_policy?}      reply {}
 * master → agent   ACKNOWLEDGE {framework_id, task_id, uuid}            reply {}
 * master → agent   SHUTDOWN_FRAMEWORK {framework_id}                    reply {}
 * master → agent   FRAMEWORK_MESSAGE {framework_id, executor_id, data}  reply {}
 * (data: the message's bytes in Base64, both ways)
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
  /** An executor's MESSAGE call on its way to its framework (see the table above). */
  public static final String EXECUTOR_MESSAGE = "EXECUTOR_MESSAGE";

  /**
   * Optional REREGISTER field in place of {@code tasks}: the agent's tasks as protobuf {@code Task}
   * messages, each prefixed with its varint length, all in one Base64 string ({@link #encodeTasks}).
   * Reading it is about ten times cheaper than Mesos-style JSON, which matters when a new leader
   * takes 10,000 re-registrations at once; a master reads {@code tasks} when this field is absent.
   */
  public static final String TASKS_PROTOBUF = "tasks_protobuf";

  /**
   * Optional REREGISTER field: tasks that ended on the agent (terminal {@code Task}s, Mesos-style
   * JSON), most recent last. A new leading master lists them as completed tasks, so the history of
   * finished tasks survives a master failover as it does in Mesos.
   */
  public static final String COMPLETED_TASKS = "completed_tasks";

  /**
   * Optional REGISTER / REREGISTER field in place of {@code agent_info}: the {@code AgentInfo} as
   * protobuf bytes in Base64 ({@link #encodeAgentInfo}); cheaper to read, like {@link #TASKS_PROTOBUF}.
   */
  public static final String AGENT_INFO_PROTOBUF = "agent_info_protobuf";

  /**
   * Optional STATUS_UPDATE field in place of {@code status}: the {@code TaskStatus} in the form of
   * {@link #encode}. Every launch sends at least two updates and every kill one, so the JSON
   * printing and parsing it saves (on both sides, and again in the event bus's own encoding of a
   * nested JSON object) is most of the protocol's cost in a burst of launches.
   */
  public static final String STATUS_PROTOBUF = "status_protobuf";

  /** Optional RUN_TASK field in place of {@code framework}: the {@code FrameworkInfo} in the form of {@link #encode}. */
  public static final String FRAMEWORK_PROTOBUF = "framework_protobuf";

  /** Optional RUN_TASK field in place of {@code task}: the {@code TaskInfo} in the form of {@link #encode}. */
  public static final String TASK_PROTOBUF = "task_protobuf";

  /** The {@code *_protobuf} form of a message: its protobuf bytes in Base64. */
  public static String encode(com.google.protobuf.MessageLite message) {
    return java.util.Base64.getEncoder().encodeToString(message.toByteArray());
  }

  /**
   * The message of a {@code *_protobuf} field.
   *
   * @throws IllegalArgumentException when it is not Base64 or not a complete message
   */
  public static <M extends com.google.protobuf.MessageLite> M decode(String encoded, com.google.protobuf.Parser<M> parser,
                                                                    String field) {
    try {
      return parser.parseFrom(java.util.Base64.getDecoder().decode(encoded));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("Malformed " + field + ": " + e.getMessage(), e);
    }
  }

  /** The {@link #AGENT_INFO_PROTOBUF} form of an AgentInfo. */
  public static String encodeAgentInfo(org.apache.mesos.v1.Protos.AgentInfo info) {
    return encode(info);
  }

  /**
   * The AgentInfo of an {@link #AGENT_INFO_PROTOBUF} field.
   *
   * @throws IllegalArgumentException when it is not Base64 or not a complete {@code AgentInfo}
   */
  public static org.apache.mesos.v1.Protos.AgentInfo decodeAgentInfo(String encoded) {
    return decode(encoded, org.apache.mesos.v1.Protos.AgentInfo.parser(), AGENT_INFO_PROTOBUF);
  }

  /** The {@link #TASKS_PROTOBUF} form of {@code tasks}. */
  public static String encodeTasks(java.util.List<org.apache.mesos.v1.Protos.Task> tasks) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(tasks.size() * 128);
    try {
      for (org.apache.mesos.v1.Protos.Task task : tasks) {
        task.writeDelimitedTo(out);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return java.util.Base64.getEncoder().encodeToString(out.toByteArray());
  }

  /**
   * The tasks of a {@link #TASKS_PROTOBUF} field.
   *
   * @throws IllegalArgumentException when it is not Base64 or not a sequence of delimited {@code Task} messages
   */
  public static java.util.List<org.apache.mesos.v1.Protos.Task> decodeTasks(String encoded) {
    byte[] bytes = java.util.Base64.getDecoder().decode(encoded);
    com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(bytes);
    java.util.List<org.apache.mesos.v1.Protos.Task> tasks = new java.util.ArrayList<>();
    try {
      while (!in.isAtEnd()) {
        int length = in.readRawVarint32();
        if (length < 0 || length > bytes.length) {
          throw new IllegalArgumentException("Bad task length " + length);
        }
        int limit = in.pushLimit(length);
        org.apache.mesos.v1.Protos.Task task = org.apache.mesos.v1.Protos.Task.parseFrom(in);
        in.checkLastTagWas(0);
        in.popLimit(limit);
        if (!task.isInitialized()) {
          throw new IllegalArgumentException("Task is missing required fields");
        }
        tasks.add(task);
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Malformed " + TASKS_PROTOBUF + ": " + e.getMessage(), e);
    }
    return tasks;
  }

  /** Failure code: this master is not the leader (the agent should find the leader and retry). */
  public static final int NOT_LEADER = 503;
  /** Failure code: the message was malformed. */
  public static final int BAD_MESSAGE = 400;
  /** Failure code: the agent is not registered (or was removed); it should register anew. */
  public static final int UNKNOWN_AGENT = 404;
  /** Failure code: the agent was marked gone and must not come back under this id. */
  public static final int AGENT_GONE = 410;
  /**
   * Failure code: the agent's machine is down for maintenance (START_MAINTENANCE); it may register
   * once the operator has brought the machine up again (STOP_MAINTENANCE).
   */
  public static final int MACHINE_DOWN = 409;

  private AgentProtocol() {
  }

  public static String agentAddress(String pid) {
    return AGENT_ADDRESS_PREFIX + pid;
  }
}
