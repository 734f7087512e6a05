package io.mezzo.master.core;

import org.apache.mesos.v1.scheduler.Protos.Event;

/** The open SUBSCRIBE stream of one framework. Sends are fire-and-forget; the master's thread only. */
public interface FrameworkChannel {

  /** The {@code Mesos-Stream-Id} this stream was given. */
  String streamId();

  void send(Event event);

  /** Ends the stream (after an ERROR event, a teardown or a failover to a new stream). */
  void close();
}
