package io.mezzo.dns.http;

import io.mezzo.common.config.ConfigBinder;
import io.mezzo.dns.DnsConfig;
import io.mezzo.dns.records.DnsRecords;
import io.mezzo.dns.records.Lookup;
import io.mezzo.dns.records.Rdata;
import io.mezzo.dns.records.RecordType;
import io.mezzo.dns.records.ResourceRecord;
import io.mezzo.dns.records.Zone;
import io.mezzo.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Mesos-DNS HTTP API over the current snapshot: {@code /v1/version}, {@code /v1/config},
 * {@code /v1/hosts/{host}}, {@code /v1/services/{service}}, {@code /v1/enumerate}, {@code /v1/axfr}.
 * Lookups only see the Mesos-DNS domain; a name with no records answers 200 with one entry of empty
 * strings, as Mesos-DNS does.
 */
public final class MesosDnsApi {
  public static final String VERSION = "0.1.0";

  private final Supplier<DnsRecords> records;
  private final DnsConfig config;

  public MesosDnsApi(Supplier<DnsRecords> records, DnsConfig config) {
    this.records = records;
    this.config = config;
  }

  public void mount(Router router) {
    router.get("/v1/version").handler(ctx -> json(ctx, new JsonObject().put("Service", "Mesos-DNS")
        .put("URL", "https://github.com/mesosphere/mesos-dns").put("Version", "mezzo-" + VERSION)));
    router.get("/v1/config").handler(ctx -> json(ctx, new JsonObject(ConfigBinder.tree(config).toString())));
    router.get("/v1/hosts/:host/ports").handler(ctx -> ctx.fail(new ApiException(501, "Not implemented")));
    router.get("/v1/hosts/:host").handler(this::hosts);
    router.get("/v1/services/:service").handler(this::services);
    router.get("/v1/enumerate").handler(this::enumerate);
    router.get("/v1/axfr").handler(this::axfr);
  }

  private void hosts(RoutingContext ctx) {
    String name = Lookup.normalize(ctx.pathParam("host"));
    JsonArray out = new JsonArray();
    for (ResourceRecord rr : mesosRecords(name)) {
      if (rr.type() == RecordType.A || rr.type() == RecordType.AAAA) {
        out.add(new JsonObject().put("host", rr.name()).put("ip", rr.data().toString()));
      }
    }
    if (out.isEmpty()) {
      out.add(new JsonObject().put("host", "").put("ip", ""));
    }
    json(ctx, out);
  }

  private void services(RoutingContext ctx) {
    String name = Lookup.normalize(ctx.pathParam("service"));
    JsonArray out = new JsonArray();
    for (ResourceRecord rr : mesosRecords(name)) {
      if (rr.data() instanceof Rdata.Srv srv) {
        List<ResourceRecord> targets = mesosRecords(srv.target()).stream()
            .filter(t -> t.type() == RecordType.A || t.type() == RecordType.AAAA).toList();
        if (targets.isEmpty()) {
          out.add(service(rr.name(), srv, ""));
        }
        targets.forEach(t -> out.add(service(rr.name(), srv, t.data().toString())));
      }
    }
    if (out.isEmpty()) {
      out.add(new JsonObject().put("service", "").put("host", "").put("ip", "").put("port", ""));
    }
    json(ctx, out);
  }

  private static JsonObject service(String name, Rdata.Srv srv, String ip) {
    return new JsonObject().put("service", name).put("host", srv.target()).put("ip", ip)
        .put("port", String.valueOf(srv.port()));
  }

  private void enumerate(RoutingContext ctx) {
    JsonArray frameworks = new JsonArray();
    if (config.enumeration()) {
      for (DnsRecords.EnumeratedFramework f : records.get().frameworks()) {
        JsonArray tasks = new JsonArray();
        for (DnsRecords.EnumeratedTask t : f.tasks()) {
          JsonArray rrs = new JsonArray();
          t.records().forEach(rr -> rrs.add(new JsonObject().put("name", rr.name()).put("host", rr.data().toString())
              .put("rtype", rr.type().name())));
          tasks.add(new JsonObject().put("name", t.name()).put("id", t.id()).put("records", rrs));
        }
        frameworks.add(new JsonObject().put("name", f.name()).put("tasks", tasks));
      }
    }
    json(ctx, new JsonObject().put("frameworks", frameworks));
  }

  private void axfr(RoutingContext ctx) {
    if (!config.enumeration()) {
      ctx.fail(new ApiException(403, "Enumeration is turned off"));
      return;
    }
    DnsRecords snapshot = records.get();
    JsonObject as = new JsonObject();
    JsonObject aaaas = new JsonObject();
    JsonObject srvs = new JsonObject();
    Zone zone = snapshot.mesos();
    zone.byName().forEach((name, list) -> list.forEach(rr -> {
      JsonObject target = switch (rr.type()) {
        case A -> as;
        case AAAA -> aaaas;
        case SRV -> srvs;
        default -> null;
      };
      if (target != null) {
        JsonArray values = target.getJsonArray(name);
        if (values == null) {
          values = new JsonArray();
          target.put(name, values);
        }
        values.add(rr.data().toString());
      }
    }));
    json(ctx, new JsonObject()
        .put("Records", new JsonObject().put("As", as).put("AAAAs", aaaas).put("SRVs", srvs))
        .put("Serial", snapshot.serial())
        .put("Mname", config.soaMname())
        .put("Rname", config.soaRname())
        .put("TTL", config.ttl())
        .put("RefreshSeconds", config.soaRefresh())
        .put("Domain", config.domain()));
  }

  private List<ResourceRecord> mesosRecords(String name) {
    Zone zone = records.get().mesos();
    return zone.contains(name) ? zone.records(name) : List.of();
  }

  private static void json(RoutingContext ctx, Object body) {
    String text = body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode();
    ctx.response().putHeader("content-type", "application/json; charset=utf-8").end(text);
  }
}
