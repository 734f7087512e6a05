package io.mezzo.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.common.bus.Addresses;
import io.mezzo.common.bus.Codecs;
import io.mezzo.common.component.ComponentContext;
import io.mezzo.common.config.ClusterConfig;
import io.mezzo.common.health.HealthReport;
import io.mezzo.mesos.client.cluster.ClusterState;
import io.mezzo.mesos.client.cluster.ClusterStateSource;
import io.mezzo.mesos.client.cluster.TaskEvent;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DnsHealthTest {

  /** Delivers its state only when the test says so, like a master that is not reachable yet. */
  static final class LateSource implements ClusterStateSource {
    private Handler<ClusterState> onState;
    private Context context;

    @Override
    public Future<Void> start(Handler<ClusterState> state, Handler<TaskEvent> onEvent) {
      onState = state;
      context = Vertx.currentContext();
      return Future.succeededFuture();
    }

    void deliver(ClusterState state) {
      context.runOnContext(v -> onState.handle(state));
    }
  }

  @Test
  void health_beforeAndAfterTheFirstState_unhealthyThenHealthyAndStoppedOnUndeploy(Vertx vertx) throws Exception {
    Codecs.registerAll(vertx.eventBus());
    LinkedBlockingQueue<HealthReport> reports = new LinkedBlockingQueue<>();
    vertx.eventBus().<HealthReport>consumer(Addresses.HEALTH_REPORT, m -> reports.add(m.body()));
    ComponentContext node = new ComponentContext("node-1", ClusterConfig.DEFAULTS, null, Map.of());
    LateSource source = new LateSource();
    DnsVerticle dns = new DnsVerticle(config -> source, node, Clock.systemUTC(), new Random(1));
    JsonObject config = new JsonObject().put("dns_host", "127.0.0.1").put("dns_port", 0)
        .put("http_host", "127.0.0.1").put("port", 0).put("forward", false);
    String id = vertx.deployVerticle(dns, new DeploymentOptions().setConfig(config))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    HealthReport first = reports.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.component()).isEqualTo("dns");
    assertThat(first.nodeId()).isEqualTo("node-1");
    assertThat(first.healthy()).isFalse();
    assertThat(first.output()).contains("No cluster state");
    assertThat(node.boundPort("dns")).contains(dns.httpPort());

    source.deliver(Fixtures.state());
    HealthReport second = reports.poll(5, TimeUnit.SECONDS);
    assertThat(second).isNotNull();
    assertThat(second.healthy()).isTrue();
    assertThat(second.output()).contains("port " + dns.dnsPort());

    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HealthReport last = reports.poll(5, TimeUnit.SECONDS);
    assertThat(last).isNotNull();
    assertThat(last.healthy()).isFalse();
    assertThat(last.output()).isEqualTo("stopped");
  }
}
