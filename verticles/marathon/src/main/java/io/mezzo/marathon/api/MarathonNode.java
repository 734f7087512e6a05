package io.mezzo.marathon.api;

import io.mezzo.marathon.MarathonConfig;
import io.mezzo.marathon.core.MarathonCore;
import io.mezzo.marathon.events.EventStream;
import io.vertx.core.Future;
import java.util.Optional;

/** What the HTTP handlers need from the verticle: its place in the election and the leader's state. */
public interface MarathonNode {

  /** The leader's core; only called by handlers behind the leader gate, which proxies otherwise. */
  MarathonCore core();

  EventStream events();

  /** Leading and recovered. */
  boolean isLeader();

  /** The leader's {@code host:port}, when one is known. */
  Optional<String> leaderAddress();

  /** This instance's {@code host:port}. */
  String selfAddress();

  MarathonConfig settings();

  /** The ZooKeeper connect string with the Marathon root, for {@code /v2/info}. */
  String zkUrl();

  /** Gives up leadership; another instance (or this one again) is elected. */
  Future<Void> abdicate();
}
