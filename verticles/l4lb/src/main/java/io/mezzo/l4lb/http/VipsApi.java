package io.mezzo.l4lb.http;

import io.mezzo.l4lb.vip.Backend;
import io.mezzo.l4lb.vip.Vip;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/vips}: {@code [{"vip":"name:port","protocol":"tcp","backend":[{"ip","port"}]}]}, as
 * dcos-net serves it, with a strong ETag over the body; a matching {@code If-None-Match} gets 304.
 */
public final class VipsApi {
  private final Supplier<List<Vip>> vips;

  public VipsApi(Supplier<List<Vip>> vips) {
    this.vips = vips;
  }

  public void mount(Router router) {
    router.get("/v1/vips").handler(this::list);
  }

  public static JsonArray render(List<Vip> vips) {
    JsonArray out = new JsonArray();
    for (Vip vip : vips) {
      JsonArray backends = new JsonArray();
      for (Backend b : vip.backends()) {
        backends.add(new JsonObject().put("ip", b.address().ip()).put("port", b.address().port()));
      }
      out.add(new JsonObject().put("vip", vip.key().label()).put("protocol", vip.key().protocol().label())
          .put("address", vip.address()).put("backend", backends));
    }
    return out;
  }

  private void list(RoutingContext ctx) {
    String body = render(vips.get()).encode();
    String etag = "\"" + sha1(body) + "\"";
    ctx.response().putHeader("etag", etag);
    String ifNoneMatch = ctx.request().getHeader("if-none-match");
    if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals("*"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader("content-type", "application/json; charset=utf-8").end(body);
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
