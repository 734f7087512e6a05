package io.mezzo.marathon.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/** One network the app joins; {@code mode} defaults to {@code container} when an entry omits it. */
public record Network(Mode mode, String name, Map<String, String> labels) {

  public static final Network HOST = new Network(Mode.HOST, null, null);

  public Network {
    mode = mode == null ? Mode.CONTAINER : mode;
    labels = labels == null ? Map.of() : Defaults.map(labels);
  }

  public enum Mode {
    HOST("host"), CONTAINER("container"), CONTAINER_BRIDGE("container/bridge");

    private final String json;

    Mode(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }

    @JsonCreator
    public static Mode fromJson(String text) {
      for (Mode mode : values()) {
        if (mode.json.equals(text)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("error.expected.validenumvalue");
    }
  }
}
