package io.mezzo.common.config;

import java.net.URI;

/**
 * A ZooKeeper address in the form {@code zk://host:port[,host:port]/path}, as Mesos and Marathon
 * take it.
 *
 * @param connectString {@code host:port,host:port} for the ZooKeeper client
 * @param root          the chroot without its leading slash, e.g. {@code mezzo}
 */
public record ZkUrl(String connectString, String root) {

  public static ZkUrl parse(String url) {
    String problem = problem(url);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String rest = url.substring("zk://".length());
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new ZkUrl(hosts, path.isEmpty() ? "mezzo" : path);
  }

  /** Why the text is not a ZooKeeper URL, or null when it is one. */
  public static String problem(String url) {
    if (url == null || !url.startsWith("zk://")) {
      return "must be 'embedded' or zk://host:port[,host:port]/path, got '" + url + "'";
    }
    String rest = url.substring("zk://".length());
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    if (hosts.isEmpty()) {
      return "names no ZooKeeper server: '" + url + "'";
    }
    for (String hostPort : hosts.split(",", -1)) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        return "server '" + hostPort + "' must be host:port";
      }
      try {
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        if (port < 1 || port > 65535) {
          return "server '" + hostPort + "' has a port outside 1-65535";
        }
        URI.create("zk://" + hostPort);
      } catch (IllegalArgumentException e) {
        return "server '" + hostPort + "' must be host:port";
      }
    }
    return null;
  }
}
