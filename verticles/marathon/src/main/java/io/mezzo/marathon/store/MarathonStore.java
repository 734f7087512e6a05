package io.mezzo.marathon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mezzo.marathon.core.Instance;
import io.mezzo.marathon.core.RunningDeployment;
import io.mezzo.marathon.deploy.DeploymentAction;
import io.mezzo.marathon.deploy.DeploymentPlan;
import io.mezzo.marathon.deploy.DeploymentStep;
import io.mezzo.marathon.model.AppDefinition;
import io.mezzo.marathon.model.Group;
import io.mezzo.marathon.model.GroupTree;
import io.mezzo.marathon.model.MarathonJson;
import io.mezzo.state.Versioned;
import io.mezzo.state.ZkStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Marathon's state in ZooKeeper, laid out as Marathon's {@code ZkPersistenceStore} does:
 *
 * <pre>
 *   &lt;root&gt;/leader                                   leader latch
 *   &lt;root&gt;/state/group/&lt;b&gt;/root                       current root group (apps as {id, version} references)
 *   &lt;root&gt;/state/group/&lt;b&gt;/root/&lt;version&gt;             previous root groups (the last zk_max_versions)
 *   &lt;root&gt;/state/apps/&lt;b&gt;/&lt;app_id&gt;/&lt;version&gt;          app definitions (the last zk_max_versions per app)
 *   &lt;root&gt;/state/deployment/&lt;b&gt;/&lt;deployment id&gt;     running deployments with their current step
 *   &lt;root&gt;/state/instance/&lt;b&gt;/&lt;instance id&gt;         instances
 *   &lt;root&gt;/state/framework-id                       the Mesos framework id, once registered
 * </pre>
 *
 * {@code <b>} is one of 16 hash buckets in hex; {@code <app_id>} is the path id without its leading slash and with
 * {@code /} as {@code _} (ids cannot contain {@code _}). Every write is a compare-and-set against the version this
 * store last read or wrote, so a second writer (a deposed leader) fails instead of overwriting. Writes to one
 * node are applied in call order. Not thread-safe: owned by the verticle's event loop.
 */
public final class MarathonStore {

  /** What a new leader loads. */
  public record Loaded(Group root, List<RunningDeployment> deployments, List<Instance> instances,
                       Optional<String> frameworkId) {
  }

  private final ZkStore zk;
  private final String state;
  private final int maxVersions;
  private final Map<String, Integer> versions = new HashMap<>();
  private final Map<String, Future<Void>> chains = new HashMap<>();

  public MarathonStore(ZkStore zk, String root, int maxVersions) {
    this.zk = zk;
    this.state = root + "/state";
    this.maxVersions = maxVersions;
  }

  static String bucket(String id) {
    return Integer.toHexString(Math.floorMod(id.hashCode(), 16));
  }

  static String safe(String appId) {
    return (appId.startsWith("/") ? appId.substring(1) : appId).replace('/', '_');
  }

  String rootPath() {
    return state + "/group/" + bucket("root") + "/root";
  }

  String appPath(String appId) {
    return state + "/apps/" + bucket(appId) + "/" + safe(appId);
  }

  String deploymentPath(String id) {
    return state + "/deployment/" + bucket(id) + "/" + id;
  }

  String instancePath(String id) {
    return state + "/instance/" + bucket(id) + "/" + id;
  }

  String frameworkIdPath() {
    return state + "/framework-id";
  }

  // ---- writes -------------------------------------------------------------------------------------

  /**
   * Stores a change of the root group: new app versions first, then the root group itself (compare-and-set), then
   * the previous root as a version. A failed root write leaves the stored root unchanged.
   */
  public Future<Void> saveRoot(Group previous, Group root) {
    Map<String, AppDefinition> before = GroupTree.of(previous).apps();
    List<Future<Void>> apps = new ArrayList<>();
    for (AppDefinition app : GroupTree.of(root).apps().values()) {
      AppDefinition old = before.get(app.id());
      if (old == null || !app.version().equals(old.version())) {
        apps.add(saveAppVersion(app));
      }
    }
    byte[] data = bytes(StoredGroups.write(root));
    return Future.all(apps).<Void>mapEmpty()
        .compose(v -> put(rootPath(), data))
        .compose(v -> previous.version() == null ? Future.succeededFuture()
            : createIfAbsent(rootPath() + "/" + previous.version(), bytes(StoredGroups.write(previous)))
                .compose(x -> prune(rootPath())));
  }

  private Future<Void> saveAppVersion(AppDefinition app) {
    String path = appPath(app.id()) + "/" + app.version();
    return createIfAbsent(path, bytes(MarathonJson.mapper().valueToTree(app))).compose(v -> prune(appPath(app.id())));
  }

  private Future<Void> prune(String parent) {
    return zk.children(parent).compose(names -> {
      List<Future<Boolean>> deletes = new ArrayList<>();
      for (int i = 0; i < names.size() - maxVersions; i++) {
        deletes.add(zk.delete(parent + "/" + names.get(i), -1));
      }
      return Future.all(deletes).mapEmpty();
    });
  }

  public Future<Void> saveDeployment(RunningDeployment d) {
    return put(deploymentPath(d.plan().id()), bytes(writeDeployment(d)));
  }

  public Future<Void> deleteDeployment(String id) {
    return remove(deploymentPath(id));
  }

  public Future<Void> saveInstance(Instance instance) {
    return put(instancePath(instance.instanceId()), bytes(MarathonJson.mapper().valueToTree(instance)));
  }

  public Future<Void> deleteInstance(String instanceId) {
    return remove(instancePath(instanceId));
  }

  /** A write of one instance node inside a batch. */
  private record InstanceOp(String path, byte[] data, Integer known) {
    boolean delete() {
      return data == null;
    }
  }

  /** Largest number of operations in one ZooKeeper transaction (~500 bytes each, well under the 1 MiB request). */
  private static final int BATCH = 500;
  private int batchOps;

  /**
   * Writes the latest state of many instances (terminal ones are deleted) in ZooKeeper transactions of up to
   * {@value #BATCH} operations, each checked against the node version last read or written, instead of one round
   * trip per instance. Instance nodes must only be written through here while a batch may be in flight; call it
   * again only after the returned future completed. An instance never written and already terminal costs nothing.
   */
  public Future<Void> writeInstances(java.util.Collection<Instance> latest) {
    List<InstanceOp> ops = new ArrayList<>();
    for (Instance i : latest) {
      String path = instancePath(i.instanceId());
      Integer known = versions.get(path);
      if (i.condition().isTerminal()) {
        if (known != null) {
          ops.add(new InstanceOp(path, null, known));
        }
      } else {
        ops.add(new InstanceOp(path, bytes(MarathonJson.mapper().valueToTree(i)), known));
      }
    }
    if (ops.isEmpty()) {
      return Future.succeededFuture();
    }
    batchOps += ops.size();
    org.apache.curator.framework.CuratorFramework curator = zk.curator();
    return io.vertx.core.Vertx.currentContext().<Void>executeBlocking(() -> {
      for (int from = 0; from < ops.size(); from += BATCH) {
        applyBatch(curator, ops.subList(from, Math.min(ops.size(), from + BATCH)));
      }
      return null;
    }, true).onComplete(ar -> batchOps -= ops.size()).onSuccess(v -> {
      for (InstanceOp op : ops) {
        if (op.delete()) {
          versions.remove(op.path());
        } else {
          versions.put(op.path(), op.known() == null ? 0 : op.known() + 1);
        }
      }
    });
  }

  private static void applyBatch(org.apache.curator.framework.CuratorFramework curator, List<InstanceOp> ops)
      throws Exception {
    List<org.apache.curator.framework.api.transaction.CuratorOp> tx = new ArrayList<>();
    for (InstanceOp op : ops) {
      var t = curator.transactionOp();
      tx.add(op.delete() ? t.delete().withVersion(op.known()).forPath(op.path())
          : op.known() == null ? t.create().withMode(org.apache.zookeeper.CreateMode.PERSISTENT).forPath(op.path(), op.data())
          : t.setData().withVersion(op.known()).forPath(op.path(), op.data()));
    }
    try {
      curator.transaction().forOperations(tx);
    } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
      // a bucket node is missing (buckets are containers ZooKeeper removes when empty): nothing of this
      // transaction was applied, so write one by one, creating parents
      for (InstanceOp op : ops) {
        if (op.delete()) {
          try {
            curator.delete().withVersion(op.known()).forPath(op.path());
          } catch (org.apache.zookeeper.KeeperException.NoNodeException gone) {
            // already gone
          }
        } else if (op.known() == null) {
          curator.create().creatingParentContainersIfNeeded().withMode(org.apache.zookeeper.CreateMode.PERSISTENT)
              .forPath(op.path(), op.data());
        } else {
          curator.setData().withVersion(op.known()).forPath(op.path(), op.data());
        }
      }
    }
  }

  public Future<Void> saveFrameworkId(String id) {
    return put(frameworkIdPath(), id.getBytes(StandardCharsets.UTF_8));
  }

  // ---- reads --------------------------------------------------------------------------------------

  /** Loads everything a new leader needs, remembering node versions for later compare-and-set writes. */
  public Future<Loaded> load() {
    versions.clear();
    Future<Group> root = tracked(rootPath()).compose(node -> node.isEmpty()
        ? Future.succeededFuture(io.mezzo.marathon.core.Groups.emptyRoot()) : readGroup(json(node.get().value())));
    return root.compose(group -> Future.all(loadDeployments(), loadInstances(), tracked(frameworkIdPath()))
        .map(all -> {
          Optional<Versioned<byte[]>> fw = all.resultAt(2);
          return new Loaded(group, all.resultAt(0), all.resultAt(1),
              fw.map(v -> new String(v.value(), StandardCharsets.UTF_8)));
        }));
  }

  /** The versions of an app, newest first; empty when the app never existed. */
  public Future<List<String>> appVersions(String appId) {
    return zk.children(appPath(appId)).map(names -> {
      List<String> out = new ArrayList<>(names);
      java.util.Collections.reverse(out);
      return out;
    });
  }

  public Future<Optional<AppDefinition>> appVersion(String appId, String version) {
    return zk.get(appPath(appId) + "/" + version).map(node -> node.map(v -> readApp(json(v.value()))));
  }

  private Future<Group> readGroup(JsonNode node) {
    List<StoredGroups.AppRef> refs = new ArrayList<>();
    StoredGroups.refs(node, refs);
    Map<StoredGroups.AppRef, AppDefinition> apps = new HashMap<>();
    List<Future<Void>> reads = new ArrayList<>();
    for (StoredGroups.AppRef ref : refs) {
      reads.add(appVersion(ref.id(), ref.version()).map(app -> {
        app.ifPresent(a -> apps.put(ref, a));
        return null;
      }));
    }
    return Future.all(reads).map(v -> StoredGroups.read(node, apps));
  }

  private Future<List<RunningDeployment>> loadDeployments() {
    return leaves(state + "/deployment").compose(paths -> {
      List<Future<RunningDeployment>> reads = new ArrayList<>();
      for (String path : paths) {
        reads.add(tracked(path).compose(node -> node.isEmpty() ? Future.succeededFuture(null)
            : readDeployment(json(node.get().value()))));
      }
      return Future.all(reads).map(v -> reads.stream().map(Future::result).filter(d -> d != null)
          .sorted(java.util.Comparator.comparing(RunningDeployment::startedAt)).toList());
    });
  }

  private Future<List<Instance>> loadInstances() {
    return leaves(state + "/instance").compose(paths -> {
      List<Future<Optional<Versioned<byte[]>>>> reads = new ArrayList<>();
      paths.forEach(p -> reads.add(tracked(p)));
      return Future.all(reads).map(v -> {
        List<Instance> out = new ArrayList<>();
        for (Future<Optional<Versioned<byte[]>>> f : reads) {
          f.result().ifPresent(node -> out.add(read(node.value(), Instance.class)));
        }
        return out;
      });
    });
  }

  /** The paths two levels below {@code category} (bucket, then entry). */
  private Future<List<String>> leaves(String category) {
    return zk.children(category).compose(buckets -> {
      List<Future<List<String>>> lists = new ArrayList<>();
      for (String b : buckets) {
        lists.add(zk.children(category + "/" + b).map(names -> names.stream().map(n -> category + "/" + b + "/" + n).toList()));
      }
      return Future.all(lists).map(v -> lists.stream().flatMap(f -> f.result().stream()).toList());
    });
  }

  // ---- deployment records -------------------------------------------------------------------------

  private static ObjectNode writeDeployment(RunningDeployment d) {
    DeploymentPlan plan = d.plan();
    ObjectNode out = MarathonJson.mapper().createObjectNode();
    out.put("id", plan.id()).put("version", plan.version()).put("currentStep", d.currentStep())
        .put("startedAt", d.startedAt().toString());
    if (d.canary() != null) {
      io.mezzo.marathon.deploy.CanaryPolicy c = d.canary().policy();
      out.putObject("canary").put("app", d.canary().appId()).put("canaries", c.canaries())
          .put("minHealthySeconds", c.minHealthyTime().toSeconds()).put("deadlineSeconds", c.healthyDeadline().toSeconds())
          .put("autoPromote", c.autoPromote()).put("maxFailures", c.maxFailures())
          .put("promoted", d.canary().phase() == io.mezzo.marathon.deploy.CanaryDeployment.Phase.PROMOTED);
    }
    out.set("original", StoredGroups.write(plan.original()));
    out.set("target", StoredGroups.write(plan.target()));
    ArrayNode steps = out.putArray("steps");
    for (DeploymentStep step : plan.steps()) {
      ArrayNode actions = steps.addObject().putArray("actions");
      for (DeploymentAction a : step.actions()) {
        actions.addObject().put("action", a.action()).put("app", a.appId());
      }
    }
    return out;
  }

  private Future<RunningDeployment> readDeployment(JsonNode node) {
    return readGroup(node.get("original")).compose(original -> readGroup(node.get("target")).map(target -> {
      Map<String, AppDefinition> before = GroupTree.of(original).apps();
      Map<String, AppDefinition> after = GroupTree.of(target).apps();
      List<DeploymentStep> steps = new ArrayList<>();
      for (JsonNode s : node.path("steps")) {
        List<DeploymentAction> actions = new ArrayList<>();
        for (JsonNode a : s.path("actions")) {
          String id = a.path("app").asText();
          AppDefinition app = a.path("action").asText().equals("StopApplication") ? before.get(id) : after.get(id);
          if (app == null) {
            continue;
          }
          actions.add(switch (a.path("action").asText()) {
            case "StartApplication" -> new DeploymentAction.StartApplication(app, app.instances());
            case "ScaleApplication" -> new DeploymentAction.ScaleApplication(app, app.instances());
            case "StopApplication" -> new DeploymentAction.StopApplication(app);
            default -> new DeploymentAction.RestartApplication(app);
          });
        }
        steps.add(new DeploymentStep(actions));
      }
      DeploymentPlan plan = new DeploymentPlan(node.path("id").asText(), node.path("version").asText(), original,
          target, steps);
      RunningDeployment d = new RunningDeployment(plan, node.path("currentStep").asInt(),
          Instant.parse(node.path("startedAt").asText()));
      JsonNode c = node.get("canary");
      if (c != null && c.isObject()) {
        // a new leader starts the canary phase again (its running canaries count at once) unless it was promoted
        io.mezzo.marathon.deploy.CanaryDeployment canary = io.mezzo.marathon.deploy.CanaryDeployment.begin(
            c.path("app").asText(), new io.mezzo.marathon.deploy.CanaryPolicy(c.path("canaries").asInt(1),
                java.time.Duration.ofSeconds(c.path("minHealthySeconds").asLong()),
                java.time.Duration.ofSeconds(c.path("deadlineSeconds").asLong()), c.path("autoPromote").asBoolean(),
                c.path("maxFailures").asInt(1)), Instant.now());
        d.canary(c.path("promoted").asBoolean() ? canary.onStatus(canary.policy().canaries(), 0, Instant.now()).promote()
            : canary);
      }
      return d;
    }));
  }

  // ---- node primitives ----------------------------------------------------------------------------

  private Future<Optional<Versioned<byte[]>>> tracked(String path) {
    return zk.get(path).onSuccess(node -> node.ifPresent(v -> versions.put(path, v.version())));
  }

  private Future<Void> put(String path, byte[] data) {
    return chain(path, () -> {
      Integer known = versions.get(path);
      Future<Integer> write = known == null ? zk.create(path, data) : zk.compareAndSet(path, data, known);
      return write.map(v -> {
        versions.put(path, v);
        return null;
      });
    });
  }

  private Future<Void> remove(String path) {
    return chain(path, () -> {
      Integer known = versions.remove(path);
      return zk.delete(path, known == null ? -1 : known).mapEmpty();
    });
  }

  private Future<Void> createIfAbsent(String path, byte[] data) {
    return zk.create(path, data).<Void>mapEmpty()
        .recover(e -> e instanceof io.mezzo.state.StoreConflictException ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  /** Nodes with a write or delete not yet confirmed by ZooKeeper. */
  public int pendingWrites() {
    return chains.size() + batchOps;
  }

  private Future<Void> chain(String path, Supplier<Future<Void>> write) {
    Future<Void> previous = chains.getOrDefault(path, Future.succeededFuture());
    Future<Void> next = previous.transform(ar -> write.get());
    chains.put(path, next);
    next.onComplete(ar -> chains.remove(path, next));
    return next;
  }

  private static byte[] bytes(JsonNode node) {
    return MarathonJson.write(node).getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode json(byte[] data) {
    return read(data, JsonNode.class);
  }

  private static AppDefinition readApp(JsonNode node) {
    return MarathonJson.mapper().convertValue(node, AppDefinition.class);
  }

  private static <T> T read(byte[] data, Class<T> type) {
    try {
      return MarathonJson.mapper().readValue(data, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Unreadable stored " + type.getSimpleName(), e);
    }
  }
}
