package io.mezzo.mesos.client;

import java.io.IOException;
import java.net.URI;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * POSTs to a master and follows its 307s to the leader. OkHttp does not follow a 307 for a POST
 * (it would have to resend the body), and Mesos answers with a protocol-relative
 * {@code Location: //host:port/path}, which is resolved against the URL that was asked.
 */
final class MasterHttp {
  static final int MAX_REDIRECTS = 8;

  private final OkHttpClient client;

  MasterHttp(OkHttpClient client) {
    this.client = client;
  }

  /** An answer and the master that gave it (after redirects). The caller closes the response. */
  record Answer(HttpUrl master, Response response) {
    URI base() {
      return URI.create(master.scheme() + "://" + hostLiteral(master.host()) + ":" + master.port());
    }
  }

  /**
   * Blocking POST of {@code body} to {@code path} on {@code master}. Every OkHttp call made is handed
   * to {@code onCall} first, so that the caller can cancel it from another thread.
   *
   * @throws MesosClientException on a 307 without Location or more than {@link #MAX_REDIRECTS} hops
   */
  Answer post(URI master, String path, Headers headers, MediaType type, byte[] body, Consumer<Call> onCall) throws IOException {
    HttpUrl url = HttpUrl.get(master).resolve(path);
    if (url == null) {
      throw new IllegalArgumentException("Cannot resolve '" + path + "' against '" + master + "'");
    }
    for (int hop = 0; ; hop++) {
      Request request = new Request.Builder().url(url).headers(headers).post(RequestBody.create(body, type)).build();
      Call call = client.newCall(request);
      onCall.accept(call);
      Response response = call.execute();
      if (response.code() != 307 && response.code() != 308) {
        return new Answer(url, response);
      }
      String location = response.header("Location");
      response.close();
      HttpUrl next = location == null ? null : url.resolve(location);
      if (next == null) {
        throw new MesosClientException(response.code(), "Redirect from '" + url + "' has no usable Location '" + location + "'");
      }
      if (hop + 1 >= MAX_REDIRECTS) {
        throw new MesosClientException(response.code(), "More than " + MAX_REDIRECTS + " redirects, last to '" + next + "'");
      }
      url = next;
    }
  }

  static String hostLiteral(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** The body of a failed answer as text, for {@link MesosClientException}. */
  static String text(Response response) {
    try {
      return response.body().string();
    } catch (IOException e) {
      return "";
    }
  }
}
