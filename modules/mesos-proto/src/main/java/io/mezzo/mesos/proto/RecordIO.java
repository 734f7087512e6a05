package io.mezzo.mesos.proto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mesos RecordIO framing ({@code docs/recordio.md}): each record is its byte length in decimal ASCII,
 * a line feed, then exactly that many bytes. Lengths are never zero and nothing follows the data.
 * Transport chunk boundaries are unrelated to record boundaries; {@link Decoder} reassembles.
 */
public final class RecordIO {

  /** Default largest record a {@link Decoder} accepts: 64 MiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

  /** A length line may hold at most this many digits (the width of a uint64). */
  static final int MAX_LENGTH_DIGITS = 20;

  private RecordIO() {
  }

  /**
   * Frames one record.
   *
   * @throws IllegalArgumentException if {@code record} is empty (RecordIO has no zero-length records)
   */
  public static byte[] encode(byte[] record) {
    if (record.length == 0) {
      throw new IllegalArgumentException("RecordIO records must not be empty");
    }
    byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(header, header.length + record.length);
    System.arraycopy(record, 0, out, header.length, record.length);
    return out;
  }

  /** Frames the UTF-8 bytes of {@code json}. */
  public static byte[] encode(String json) {
    return encode(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Incremental decoder: feed it chunks as they arrive, get back the records they complete. Not
   * thread-safe; use one per stream. After a {@link RecordIOException} the decoder is failed and
   * every later {@code feed} throws the same error.
   */
  public static final class Decoder {

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final int maxRecordBytes;
    private long length;
    private int digits;
    private boolean readingData;
    private byte[] data;
    private int filled;
    private RecordIOException failure;

    /** A decoder accepting records up to {@link #DEFAULT_MAX_RECORD_BYTES}. */
    public Decoder() {
      this(DEFAULT_MAX_RECORD_BYTES);
    }

    /** A decoder accepting records of at most {@code maxRecordBytes} bytes (must be positive). */
    public Decoder(int maxRecordBytes) {
      if (maxRecordBytes <= 0) {
        throw new IllegalArgumentException("maxRecordBytes must be positive, got " + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
    }

    /** Decodes a whole chunk; returns the records completed by it, in order (possibly none). */
    public List<byte[]> feed(byte[] chunk) {
      return feed(chunk, 0, chunk.length);
    }

    /** Decodes {@code chunk[offset, offset+length)}; returns the records completed by it. */
    public List<byte[]> feed(byte[] chunk, int offset, int length) {
      if (failure != null) {
        throw failure;
      }
      if (offset < 0 || length < 0 || offset > chunk.length - length) {
        throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", chunk " + chunk.length);
      }
      List<byte[]> records = new ArrayList<>();
      int i = offset;
      int end = offset + length;
      while (i < end) {
        if (readingData) {
          int n = (int) Math.min(end - i, this.length - filled);
          ensureCapacity(filled + n);
          System.arraycopy(chunk, i, data, filled, n);
          filled += n;
          i += n;
          if (filled == this.length) {
            records.add(data.length == filled ? data : Arrays.copyOf(data, filled));
            reset();
          }
        } else {
          readLengthByte(chunk[i++]);
        }
      }
      return records;
    }

    /** True when bytes of an unfinished record (its length line or its data) are buffered. */
    public boolean hasPartialRecord() {
      return readingData || digits > 0;
    }

    private void readLengthByte(byte b) {
      if (b == '\n') {
        if (digits == 0) {
          throw fail("RecordIO length is empty");
        }
        if (length == 0) {
          throw fail("RecordIO length is zero");
        }
        readingData = true;
        filled = 0;
        data = new byte[(int) Math.min(length, INITIAL_BUFFER)];
        return;
      }
      if (b < '0' || b > '9') {
        throw fail("RecordIO length has a non-digit byte 0x" + String.format("%02x", b & 0xff)
            + " after " + digits + " digits");
      }
      if (++digits > MAX_LENGTH_DIGITS) {
        throw fail("RecordIO length line is longer than " + MAX_LENGTH_DIGITS + " digits");
      }
      // the value only grows with more digits, so exceeding the maximum is final
      length = length * 10 + (b - '0');
      if (length > maxRecordBytes) {
        throw fail("RecordIO record length exceeds the maximum of " + maxRecordBytes + " bytes");
      }
    }

    private void ensureCapacity(int needed) {
      if (needed > data.length) {
        data = Arrays.copyOf(data, (int) Math.min(this.length, Math.max(needed, (long) data.length * 2)));
      }
    }

    private void reset() {
      readingData = false;
      length = 0;
      digits = 0;
      data = null;
      filled = 0;
    }

    private RecordIOException fail(String message) {
      failure = new RecordIOException(message);
      return failure;
    }
  }
}
