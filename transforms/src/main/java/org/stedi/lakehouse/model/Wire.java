package org.stedi.lakehouse.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.util.VarInt;

/**
 * The field encodings shared by the record coders: one presence byte for nullable fields, varint
 * lengths and longs, big-endian IEEE 754 doubles. Every encoding is a pure function of the value, so
 * the coders built on it are deterministic and consistent with {@code equals}.
 */
final class Wire {
  private static final int ABSENT = 0;
  private static final int PRESENT = 1;

  private Wire() {}

  static void writeString(String value, OutputStream out) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    VarInt.encode(bytes.length, out);
    out.write(bytes);
  }

  static String readString(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("string of " + length + " bytes cut short after " + bytes.length);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static void writeNullableString(String value, OutputStream out) throws IOException {
    if (value == null) {
      out.write(ABSENT);
    } else {
      out.write(PRESENT);
      writeString(value, out);
    }
  }

  static String readNullableString(InputStream in) throws IOException {
    return readPresence(in) ? readString(in) : null;
  }

  static void writeLong(long value, OutputStream out) throws IOException {
    VarInt.encode(value, out);
  }

  static long readLong(InputStream in) throws IOException {
    return VarInt.decodeLong(in);
  }

  static void writeNullableLong(Long value, OutputStream out) throws IOException {
    if (value == null) {
      out.write(ABSENT);
    } else {
      out.write(PRESENT);
      VarInt.encode(value, out);
    }
  }

  static Long readNullableLong(InputStream in) throws IOException {
    return readPresence(in) ? VarInt.decodeLong(in) : null;
  }

  static void writeDouble(double value, OutputStream out) throws IOException {
    long bits = Double.doubleToLongBits(value);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (bits >>> shift));
    }
  }

  static double readDouble(InputStream in) throws IOException {
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("double cut short");
      }
      bits = (bits << 8) | b;
    }
    return Double.longBitsToDouble(bits);
  }

  private static boolean readPresence(InputStream in) throws IOException {
    int marker = in.read();
    if (marker == PRESENT) {
      return true;
    }
    if (marker == ABSENT) {
      return false;
    }
    throw marker < 0 ? new EOFException("presence byte missing") : new IOException("bad presence byte " + marker);
  }
}
