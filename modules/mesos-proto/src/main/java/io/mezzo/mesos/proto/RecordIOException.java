package io.mezzo.mesos.proto;

/**
 * Thrown by {@link RecordIO.Decoder} when a stream violates the RecordIO framing: a non-digit or
 * empty length, a zero length, a length over the decoder's maximum, or a length line of more than
 * 20 digits. A decoder that threw is failed and throws again on every later call.
 */
public final class RecordIOException extends RuntimeException {

  public RecordIOException(String message) {
    super(message);
  }
}
