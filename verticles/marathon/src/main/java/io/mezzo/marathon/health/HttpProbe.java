package io.mezzo.marathon.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP and HTTPS clients Marathon probes instances with, for health and readiness checks alike:
 * a fresh connection per probe, no redirects followed, any certificate accepted (instances serve
 * self-signed ones), and the whole exchange bounded by the check's timeout.
 */
public final class HttpProbe {
  /** What an instance answered. */
  public record Response(int status, String contentType, Buffer body) {
  }

  private final HttpClient http;
  private final HttpClient https;

  public HttpProbe(Vertx vertx) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxRedirects(0));
    this.https = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setSsl(true).setTrustAll(true)
        .setVerifyHost(false));
  }

  /** GET {@code path} on the instance; fails on a connection error or when {@code timeoutMs} passes first. */
  public Future<Response> get(boolean tls, String host, int port, String path, long timeoutMs) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI(path).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    return (tls ? https : http).request(request)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Response(resp.statusCode(), resp.getHeader("Content-Type"), body)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  public void close() {
    http.close();
    https.close();
  }
}
