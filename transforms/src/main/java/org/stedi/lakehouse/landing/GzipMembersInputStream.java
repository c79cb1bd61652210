package org.stedi.lakehouse.landing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip file (RFC 1952) of one or more members, strictly: whatever follows the end of
 * a member must be another member, or the stream fails. {@code java.util.zip.GZIPInputStream} ends
 * the stream without a word at bytes that do not start another member, which would silently drop
 * the lines of a damaged second member or of plain text appended to a .gz file.
 *
 * <p>Decompressed bytes are handed over as soon as they are inflated, so that a reader gets
 * everything before the damage of a truncated or corrupt file before the exception.
 */
final class GzipMembersInputStream extends InputStream {
  private static final int BUFFER = 64 * 1024;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final PushbackInputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] input = new byte[BUFFER];
  private int inputLength;
  private long memberSize;
  private boolean inMember;
  private boolean ended;
  private int members;

  /** Reads the first member's header; fails when the stream does not start with one. */
  GzipMembersInputStream(InputStream in) throws IOException {
    this.in = new PushbackInputStream(in, BUFFER);
    readHeader();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!ended) {
      if (!inMember) {
        int next = in.read();
        if (next < 0) {
          ended = true;
          break;
        }
        in.unread(next);
        readHeader();
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("corrupt compressed data in gzip member " + members + ": " + e.getMessage());
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberSize += n;
        return n;
      }
      if (inflater.finished()) {
        finishMember();
      } else if (inflater.needsDictionary()) {
        throw new ZipException("gzip member " + members + " asks for a preset dictionary, which gzip does not have");
      } else if (inflater.needsInput()) {
        inputLength = in.read(input, 0, input.length);
        if (inputLength < 0) {
          throw new EOFException("the file ends inside gzip member " + members + " (truncated)");
        }
        inflater.setInput(input, 0, inputLength);
      }
    }
    return -1;
  }

  private void finishMember() throws IOException {
    int remaining = inflater.getRemaining();
    if (remaining > 0) {
      in.unread(input, inputLength - remaining, remaining);
    }
    long expectedCrc = readInt();
    long expectedSize = readInt();
    if (expectedCrc != crc.getValue()) {
      throw new ZipException("gzip member " + members + " fails its CRC check: the data is corrupt");
    }
    if (expectedSize != (memberSize & 0xFFFFFFFFL)) {
      throw new ZipException("gzip member " + members + " has another length than its trailer says");
    }
    inflater.reset();
    crc.reset();
    memberSize = 0;
    inMember = false;
  }

  private void readHeader() throws IOException {
    int magic1 = in.read();
    int magic2 = in.read();
    if (magic1 != 0x1F || magic2 != 0x8B) {
      throw new ZipException(
          members == 0
              ? "not in gzip format"
              : "bytes after the end of gzip member " + members + " that do not start another member");
    }
    members++;
    if (readByte() != 8) {
      throw new ZipException("gzip member " + members + " uses an unknown compression method");
    }
    int flags = readByte();
    skip(6); // modification time, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      skip(readByte() | readByte() << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inMember = true;
  }

  private long readInt() throws IOException {
    long value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (long) readByte() << (8 * i);
    }
    return value;
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the file ends inside the header or trailer of gzip member " + members + " (truncated)");
    }
    return b;
  }

  private void skip(int bytes) throws IOException {
    for (int i = 0; i < bytes; i++) {
      readByte();
    }
  }

  private void skipZeroTerminated() throws IOException {
    while (readByte() != 0) {
      // a file name or comment
    }
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
