package io.mezzo.marathon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamTest {
  @TempDir
  static Path dir;

  static MarathonFixture fx;

  @BeforeAll
  static void startZk() throws Exception {
    fx = new MarathonFixture(dir);
  }

  @AfterAll
  static void stopZk() {
    fx.close();
  }

  record Frame(String id, String event, JsonObject data) {
  }

  /** An SSE client reading frames on a background thread until closed. */
  static final class Client implements AutoCloseable {
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final Stream<String> lines;
    final int status;

    Client(String url, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<Stream<String>> r = fx.http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      status = r.statusCode();
      lines = r.body();
      Thread reader = new Thread(() -> {
        String[] current = new String[3];
        try {
          lines.forEach(line -> {
            if (line.startsWith("id: ")) {
              current[0] = line.substring(4);
            } else if (line.startsWith("event: ")) {
              current[1] = line.substring(7);
            } else if (line.startsWith("data: ")) {
              current[2] = line.substring(6);
            } else if (line.isEmpty() && current[1] != null) {
              frames.add(new Frame(current[0], current[1], new JsonObject(current[2])));
              current[0] = current[1] = current[2] = null;
            }
          });
        } catch (RuntimeException closed) {
          // the stream was closed by the test
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    List<String> types() {
      return frames.stream().map(Frame::event).toList();
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  private static String post(MarathonFixture.Node m, String id) throws Exception {
    return fx.send("POST", m.url("/v2/apps"), "{\"id\":\"" + id + "\",\"cmd\":\"x\"}").headers()
        .firstValue("Marathon-Deployment-Id").orElseThrow();
  }

  @Test
  void clientReconnectsWithLastEventId_receivesMissedEventsInOrder() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    String filter = m.url("/v2/events?event_type=api_post_event&event_type=deployment_success");
    Client first = new Client(filter, null);
    assertThat(first.status).isEqualTo(200);
    post(m, "/e1");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.frames.size() >= 2);
    first.close();
    assertThat(first.types()).containsExactly("api_post_event", "deployment_success");
    String lastSeen = first.frames.get(1).id();

    String d2 = post(m, "/e2");
    fx.awaitNoDeployments(m);
    String d3 = post(m, "/e3");
    fx.awaitNoDeployments(m);

    try (Client resumed = new Client(filter, lastSeen)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.frames.size() >= 4);
      List<Frame> missed = resumed.frames.subList(0, 4);
      assertThat(missed).extracting(Frame::event)
          .containsExactly("api_post_event", "deployment_success", "api_post_event", "deployment_success");
      assertThat(missed.get(0).data().getJsonObject("appDefinition").getString("id")).isEqualTo("/e2");
      assertThat(missed.get(1).data().getString("id")).isEqualTo(d2);
      assertThat(missed.get(2).data().getJsonObject("appDefinition").getString("id")).isEqualTo("/e3");
      assertThat(missed.get(3).data().getString("id")).isEqualTo(d3);
      List<Long> ids = missed.stream().map(f -> Long.parseLong(f.id())).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id > Long.parseLong(lastSeen));

      post(m, "/e4");
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.frames.size() >= 6);
      assertThat(resumed.types().subList(4, 6)).containsExactly("api_post_event", "deployment_success");
    }
  }

  @Test
  void lastEventIdOlderThanBuffer_gapMarkerThenWhatIsLeft() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject().put("event_buffer_size", 8));
    String lastSeen;
    try (Client first = new Client(m.url("/v2/events"), null)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !first.frames.isEmpty());
      assertThat(first.frames.get(0).event()).isEqualTo("event_stream_attached");
      lastSeen = first.frames.get(0).id();
    }
    for (int i = 0; i < 4; i++) {
      post(m, "/g" + i);
    }
    fx.awaitNoDeployments(m);

    try (Client resumed = new Client(m.url("/v2/events?event_type=deployment_success"), lastSeen)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !resumed.frames.isEmpty());
      Frame gap = resumed.frames.get(0);
      assertThat(gap.event()).isEqualTo("event_stream_gap");
      assertThat(gap.data().getString("lastEventId")).isEqualTo(lastSeen);
      assertThat(Long.parseLong(gap.data().getString("firstAvailableId"))).isGreaterThan(Long.parseLong(lastSeen) + 1);
    }
  }

  @Test
  void lightPlanFormat_dropsGroupsFromDeploymentEvents_wrongAccept405() throws Exception {
    MarathonFixture.Node m = fx.leader(MarathonFixture.newRoot(), new JsonObject());
    try (Client light = new Client(m.url("/v2/events?event_type=deployment_info&plan-format=light"), null);
         Client heavy = new Client(m.url("/v2/events?event_type=deployment_info"), null)) {
      post(m, "/p");
      await().atMost(Duration.ofSeconds(5)).until(() -> !light.frames.isEmpty() && !heavy.frames.isEmpty());
      JsonObject lightPlan = light.frames.get(0).data().getJsonObject("plan");
      JsonObject heavyPlan = heavy.frames.get(0).data().getJsonObject("plan");
      assertThat(lightPlan.containsKey("original")).isFalse();
      assertThat(heavyPlan.getJsonObject("target").getJsonArray("apps").getJsonObject(0).getString("id")).isEqualTo("/p");
      assertThat(light.frames.get(0).data().getJsonObject("currentStep").getJsonArray("actions").getJsonObject(0)
          .getString("action")).isEqualTo("StartApplication");
    }
    HttpResponse<String> plain = fx.send("GET", m.url("/v2/events"), null);
    assertThat(plain.statusCode()).isEqualTo(405);
  }
}
