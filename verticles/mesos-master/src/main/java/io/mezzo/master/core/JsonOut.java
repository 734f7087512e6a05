package io.mezzo.master.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.mezzo.mesos.proto.MesosJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Streams large JSON documents into a Vert.x {@link Buffer} with a Jackson generator, and embeds
 * fragments that were serialized earlier (see {@link TaskRecord}) without parsing them again.
 */
final class JsonOut {
  private JsonOut() {
  }

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Runs {@code body} on a generator whose bytes go into a new buffer of about {@code sizeHint} bytes. */
  static Buffer write(int sizeHint, Body body) {
    Buffer buffer = Buffer.buffer(Math.max(256, sizeHint));
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        buffer.appendByte((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        buffer.appendBytes(b, off, len);
      }
    };
    try (JsonGenerator g = MesosJson.factory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer;
  }

  /** A JSON value already serialized as UTF-8, written as is by {@link JsonGenerator#writeRawValue(SerializableString)}. */
  static SerializableString raw(byte[] json) {
    return new Raw(json);
  }

  private record Raw(byte[] bytes) implements SerializableString {
    @Override
    public String getValue() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return bytes;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + bytes.length > buffer.length) {
        return -1;
      }
      System.arraycopy(bytes, 0, buffer, offset, bytes.length);
      return bytes.length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(bytes);
      return bytes.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer out) {
      if (out.remaining() < bytes.length) {
        return -1;
      }
      out.put(bytes);
      return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String s = getValue();
      if (offset + s.length() > buffer.length) {
        return -1;
      }
      s.getChars(0, s.length(), buffer, offset);
      return s.length();
    }

    // the quoted forms are for names and strings, never for a raw value
    @Override
    public char[] asQuotedChars() {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int putQuotedUTF8(ByteBuffer out) {
      throw new UnsupportedOperationException();
    }
  }
}
