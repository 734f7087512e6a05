package io.mezzo.marathon.events;

/**
 * One event of the stream. {@code data} is the JSON body; {@code lightData} the body for {@code plan-format=light}
 * subscribers (the same as {@code data} for events without a plan).
 */
public record MarathonEvent(long id, String type, String data, String lightData) {

  public String body(boolean light) {
    return light ? lightData : data;
  }
}
