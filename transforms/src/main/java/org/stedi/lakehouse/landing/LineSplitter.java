package org.stedi.lakehouse.landing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding it: a line ends at {@code \n}, and a {@code \r}
 * just before it is dropped (CRLF files), as is a UTF-8 byte-order mark at the start of the stream.
 * Lines are numbered from 1 as a text editor numbers them, blank ones included, so that a
 * quarantine entry points at the right line.
 *
 * <p>A line longer than {@code maxLineBytes} is not buffered whole: its first {@code maxLineBytes}
 * bytes are handed over with {@code truncated} set, and the rest is skipped up to the next line.
 */
final class LineSplitter {

  /** Receives the lines of a stream, one call per line. */
  interface LineHandler {
    /**
     * One line, in {@code bytes[offset, offset + length)}; the array is reused after the call
     * returns.
     */
    void line(long lineNumber, byte[] bytes, int offset, int length, boolean truncated) throws IOException;
  }

  private static final int CHUNK = 64 * 1024;

  private final int maxLineBytes;
  private byte[] buffer = new byte[CHUNK];

  LineSplitter(int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Reads {@code in} to its end and hands every line to {@code handler}.
   *
   * @return the number of the last line handed over (0 for an empty stream)
   */
  long split(InputStream in, LineHandler handler) throws IOException {
    long lineNumber = 0;
    int start = 0; // start of the current line in buffer
    int end = 0; // end of the valid bytes in buffer
    int scanned = 0; // bytes of the current line already searched for '\n'
    boolean skipping = false; // inside an over-long line whose head was already handed over
    boolean atStreamStart = true;
    while (true) {
      if (end == buffer.length) {
        if (start > 0) {
          System.arraycopy(buffer, start, buffer, 0, end - start);
          end -= start;
          scanned -= start;
          start = 0;
        } else {
          buffer = Arrays.copyOf(buffer, (int) Math.min(Math.min(buffer.length * 2L, (long) maxLineBytes + CHUNK), Integer.MAX_VALUE - 8));
        }
      }
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        break;
      }
      end += read;
      if (atStreamStart && end >= 3) {
        atStreamStart = false;
        if (start == 0
            && lineNumber == 0
            && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB && (buffer[2] & 0xFF) == 0xBF) {
          start = 3;
          scanned = 3;
        }
      }
      int newline;
      while ((newline = indexOf(buffer, scanned, end)) >= 0) {
        if (skipping) {
          skipping = false;
        } else {
          lineNumber++;
          emit(handler, lineNumber, start, newline);
        }
        start = newline + 1;
        scanned = start;
      }
      scanned = end;
      // One byte of slack: a line of exactly the limit may still be waiting for the \n of its \r\n.
      if (!skipping && end - start > maxLineBytes + 1L) {
        lineNumber++;
        handler.line(lineNumber, buffer, start, maxLineBytes, true);
        skipping = true;
      }
      if (skipping) {
        start = end;
        scanned = end;
      }
    }
    if (end > start && !skipping) {
      lineNumber++;
      emit(handler, lineNumber, start, end);
    }
    return lineNumber;
  }

  private void emit(LineHandler handler, long lineNumber, int start, int end) throws IOException {
    int stop = end;
    if (stop > start && buffer[stop - 1] == '\r') {
      stop--;
    }
    if (stop - start > maxLineBytes) {
      handler.line(lineNumber, buffer, start, maxLineBytes, true);
    } else {
      handler.line(lineNumber, buffer, start, stop - start, false);
    }
  }

  private static int indexOf(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Whether the bytes hold only spaces, tabs and carriage returns (a blank line). */
  static boolean isBlank(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
