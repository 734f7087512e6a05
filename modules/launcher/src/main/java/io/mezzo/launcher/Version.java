package io.mezzo.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version and the versions of the engines it embeds. */
final class Version {
  private static final Properties PROPS = new Properties();

  static {
    try (InputStream in = Version.class.getResourceAsStream("/mezzo-version.properties")) {
      if (in != null) {
        PROPS.load(in);
      }
    } catch (IOException e) {
      // leave the defaults
    }
  }

  private Version() {
  }

  static String mezzo() {
    return PROPS.getProperty("version", "dev");
  }

  static String line() {
    return "mezzo " + mezzo() + " (vert.x " + PROPS.getProperty("vertx", "?") + ", zookeeper "
        + PROPS.getProperty("zookeeper", "?") + ", java " + Runtime.version() + ")";
  }
}
