package io.mezzo.agent;

import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Random;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The agent's registration with the leading master: REGISTER without an id, REREGISTER with one;
 * retried after a random delay in {@code [0, factor × 2^n]} (capped) while there is no leader or it
 * is still recovering. A new leader (LEADER_ELECTED, or a PING from another master id) or a master
 * that no longer knows the agent makes it re-register. Not thread-safe: use it on the event loop.
 */
final class MasterLink {
  private static final Logger LOG = Logger.getLogger(MasterLink.class.getName());

  /** What the link tells the agent. */
  interface Listener {
    /** Registered (or re-registered) with the master {@code masterId}; the id is now known. */
    void registered(String agentId, String masterId, boolean firstTime);

    /** The master refused this agent's id for good. */
    void gone(String agentId, String message);
  }

  private final Vertx vertx;
  private final long backoffFactorMs;
  private final long backoffMaxMs;
  private final Supplier<JsonObject> register;
  private final Supplier<JsonObject> reregister;
  private final Listener listener;
  private final Random random = new Random();
  private volatile String agentId;
  private volatile String masterId;
  private volatile boolean registered;
  private boolean gone;
  private int attempt;
  private long generation;
  private boolean inFlight;
  /** A leader seen while a (re-)registration was in flight; checked when it completes. */
  private String leaderSeenMeanwhile;
  /** The leader last announced; a reply from another master (one that has not noticed it lost) is retried. */
  private String announcedLeader;
  private long timer = -1;

  /**
   * @param register   builds a REGISTER message
   * @param reregister builds a REREGISTER message for the current agent id
   */
  MasterLink(Vertx vertx, long backoffFactorMs, long backoffMaxMs, String agentId, Supplier<JsonObject> register,
             Supplier<JsonObject> reregister, Listener listener) {
    this.vertx = vertx;
    this.backoffFactorMs = backoffFactorMs;
    this.backoffMaxMs = backoffMaxMs;
    this.agentId = agentId;
    this.register = register;
    this.reregister = reregister;
    this.listener = listener;
  }

  String agentId() {
    return agentId;
  }

  String masterId() {
    return masterId;
  }

  boolean registered() {
    return registered;
  }

  boolean isGone() {
    return gone;
  }

  /** (Re-)registers now, abandoning any attempt in progress. */
  void connect() {
    if (gone) {
      return;
    }
    vertx.cancelTimer(timer);
    registered = false;
    inFlight = true;
    leaderSeenMeanwhile = null;
    long gen = ++generation;
    boolean first = agentId == null;
    JsonObject msg = first ? register.get() : reregister.get();
    vertx.eventBus().<JsonObject>request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000))
        .onComplete(ar -> {
          if (gen != generation) {
            return;
          }
          inFlight = false;
          String meanwhile = leaderSeenMeanwhile;
          leaderSeenMeanwhile = null;
          if (ar.succeeded()) {
            JsonObject reply = ar.result().body();
            agentId = reply.getString("agent_id", agentId);
            masterId = reply.getString("master_id");
            registered = true;
            attempt = 0;
            LOG.info((first ? "Registered" : "Re-registered") + " with master '" + masterId + "' as agent '" + agentId + "'");
            listener.registered(agentId, masterId, first);
            if (meanwhile != null && !meanwhile.equals(masterId)) {
              leaderSeen(meanwhile);
            } else if (announcedLeader != null && !announcedLeader.equals(masterId)) {
              retry("answered by master '" + masterId + "', not by the announced leader '" + announcedLeader + "'");
            }
          } else if (ar.cause() instanceof ReplyException re && re.failureCode() == AgentProtocol.AGENT_GONE) {
            gone = true;
            LOG.severe("Master refused agent '" + agentId + "': " + re.getMessage());
            listener.gone(agentId, re.getMessage());
          } else if (meanwhile != null) {
            connect();
          } else {
            retry(ar.cause().getMessage());
          }
        });
  }

  private void retry(String why) {
    long bound = Math.min(backoffMaxMs, backoffFactorMs << Math.min(attempt, 20));
    attempt++;
    long delay = 1 + (long) (random.nextDouble() * bound);
    LOG.fine("(Re-)registration failed (" + why + "); retrying in " + delay + " ms");
    long gen = generation;
    timer = vertx.setTimer(delay, id -> {
      if (gen == generation) {
        connect();
      }
    });
  }

  /** LEADER_ELECTED: {@code leaderId} leads now; re-register with it unless it is the master we know. */
  void leaderElected(String leaderId) {
    if (leaderId != null) {
      announcedLeader = leaderId;
      leaderSeen(leaderId);
    }
  }

  /** A PING (or an election) from {@code leaderId}: re-register when it is not the master we know. */
  void leaderSeen(String leaderId) {
    if (leaderId == null || gone || leaderId.equals(masterId) && registered) {
      return;
    }
    if (inFlight) {
      leaderSeenMeanwhile = leaderId;
      return;
    }
    LOG.info("Master '" + leaderId + "' leads now (was '" + masterId + "'); re-registering");
    masterId = leaderId;
    connect();
  }

  /** The master does not know this agent (any more): register again. */
  void unknownToMaster() {
    if (registered) {
      LOG.info("Master '" + masterId + "' does not know agent '" + agentId + "'; re-registering");
      connect();
    }
  }

  /**
   * An executor's MESSAGE to its framework, sent to the leading master as EXECUTOR_MESSAGE. Best
   * effort as in Mesos: not retried, and a master without the framework subscribed drops it.
   */
  static void executorMessage(Vertx vertx, String agentId, String frameworkId, String executorId, byte[] data) {
    if (agentId == null) {
      LOG.fine("Dropping a message from executor '" + executorId + "': the agent is not registered");
      return;
    }
    JsonObject msg = new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.EXECUTOR_MESSAGE).put("agent_id", agentId)
        .put("framework_id", frameworkId).put("executor_id", executorId)
        .put("data", Base64.getEncoder().encodeToString(data));
    vertx.eventBus().request(AgentProtocol.MASTER_ADDRESS, msg, new DeliveryOptions().setSendTimeout(10_000))
        .onFailure(e -> LOG.fine("Message from executor '" + executorId + "' not delivered to the master: " + e.getMessage()));
  }

  void stop() {
    generation++;
    inFlight = false;
    registered = false;
    vertx.cancelTimer(timer);
  }
}
