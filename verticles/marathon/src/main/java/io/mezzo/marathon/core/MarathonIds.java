package io.mezzo.marathon.core;

/** Id helpers shared by the tracker and the store. */
public final class MarathonIds {

  private MarathonIds() {
  }

  /** {@code /prod/web} as {@code prod_web}, the form in task ids and ZooKeeper node names. */
  public static String safe(String appId) {
    return (appId.startsWith("/") ? appId.substring(1) : appId).replace('/', '_');
  }
}
