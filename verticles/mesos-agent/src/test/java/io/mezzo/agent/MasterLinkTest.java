package io.mezzo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mezzo.mesos.protocol.AgentProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration against a scripted master on a real event bus. */
class MasterLinkTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> registeredWith = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private MasterLink link(String agentId) {
    AtomicReference<MasterLink> ref = new AtomicReference<>();
    MasterLink link = new MasterLink(vertx, 20, 200, agentId,
        () -> new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REGISTER),
        () -> new JsonObject().put(AgentProtocol.TYPE, AgentProtocol.REREGISTER).put("agent_id", ref.get().agentId()),
        new MasterLink.Listener() {
          @Override
          public void registered(String id, String masterId, boolean firstTime) {
            registeredWith.add(masterId + (firstTime ? " new" : " again"));
          }

          @Override
          public void gone(String id, String message) {
            registeredWith.add("gone");
          }
        });
    ref.set(link);
    return link;
  }

  @Test
  void noLeaderYet_registrationIsRetriedUntilOneAnswers() {
    AtomicInteger calls = new AtomicInteger();
    vertx.eventBus().<JsonObject>consumer(AgentProtocol.MASTER_ADDRESS, m -> {
      received.add(m.body().getString(AgentProtocol.TYPE));
      if (calls.incrementAndGet() < 3) {
        m.fail(AgentProtocol.NOT_LEADER, "Not the leading master");
      } else {
        m.reply(new JsonObject().put("agent_id", "M1-S0").put("master_id", "M1"));
      }
    });
    MasterLink link = link(null);
    vertx.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(5)).until(link::registered);
    assertThat(received).containsExactly("REGISTER", "REGISTER", "REGISTER");
    assertThat(link.agentId()).isEqualTo("M1-S0");
    assertThat(registeredWith).containsExactly("M1 new");
  }

  @Test
  void newLeader_makesAnAgentWithAnIdReregister_andAStaleAnswerIsRetried() {
    AtomicReference<String> answering = new AtomicReference<>("M1");
    vertx.eventBus().<JsonObject>consumer(AgentProtocol.MASTER_ADDRESS, m -> {
      received.add(m.body().getString(AgentProtocol.TYPE) + " " + m.body().getString("agent_id"));
      m.reply(new JsonObject().put("agent_id", m.body().getString("agent_id")).put("master_id", answering.get()));
    });
    MasterLink link = link("M0-S3");
    vertx.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(5)).until(link::registered);
    assertThat(received).containsExactly("REREGISTER M0-S3");

    // M2 is elected, but the deposed M1 still answers for a while
    vertx.runOnContext(v -> link.leaderElected("M2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 3);
    answering.set("M2");
    await().atMost(Duration.ofSeconds(5)).until(() -> "M2".equals(link.masterId()) && link.registered());
    assertThat(registeredWith).startsWith("M1 again").endsWith("M2 again");

    // pings from the master it is registered with change nothing; one from another id re-registers
    int before = received.size();
    vertx.runOnContext(v -> link.leaderSeen("M2"));
    vertx.runOnContext(v -> link.leaderSeen("M3"));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == before + 1);
  }

  @Test
  void goneAgent_stopsRegistering() {
    vertx.eventBus().<JsonObject>consumer(AgentProtocol.MASTER_ADDRESS, m -> {
      received.add(m.body().getString(AgentProtocol.TYPE));
      m.fail(AgentProtocol.AGENT_GONE, "Agent 'M0-S1' has been marked gone");
    });
    MasterLink link = link("M0-S1");
    vertx.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(5)).until(link::isGone);
    vertx.runOnContext(v -> link.leaderElected("M9"));
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == 1);
    assertThat(registeredWith).containsExactly("gone");
  }
}
