package org.stedi.lakehouse.landing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/** The strict gzip reader of landing files, on hand-made gzip bytes. */
class GzipMembersInputStreamTest {

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Reads to the end, one small read at a time; what was read before a failure is in {@code out}. */
  private static void readAll(byte[] gzip, ByteArrayOutputStream out) throws IOException {
    try (InputStream in = new GzipMembersInputStream(new ByteArrayInputStream(gzip))) {
      byte[] buffer = new byte[7];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    }
  }

  private static String read(byte[] gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    readAll(gzip, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readsEveryMemberOfAConcatenatedFileIncludingEmptyOnes() throws IOException {
    assertEquals("a\nb\nc\n", read(concat(gzip("a\n"), gzip(""), gzip("b\nc\n"))));
  }

  @Test
  void readsAMemberWhoseHeaderHasAFileNameACommentExtraFieldsAndAHeaderCrc() throws IOException {
    // What the gzip tool writes (a file name), and every other optional header part of RFC 1952.
    byte[] data = "landing line\n".getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] deflated = new byte[256];
    int length = deflater.deflate(deflated);
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    member.writeBytes(new byte[] {0x1F, (byte) 0x8B, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
    member.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
    member.writeBytes("customers.json\0".getBytes(StandardCharsets.ISO_8859_1));
    member.writeBytes("exported\0".getBytes(StandardCharsets.ISO_8859_1));
    member.writeBytes(new byte[] {0x12, 0x34});
    member.write(deflated, 0, length);
    long value = crc.getValue();
    member.writeBytes(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
    member.writeBytes(new byte[] {(byte) data.length, 0, 0, 0});

    assertEquals("landing line\n", read(member.toByteArray()));
  }

  @Test
  void failsOnACorruptChecksumAfterHandingOverTheData() throws IOException {
    byte[] good = gzip("first\nsecond\n");
    byte[] corrupt = Arrays.copyOf(good, good.length);
    corrupt[corrupt.length - 8] ^= 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ZipException e = assertThrows(ZipException.class, () -> readAll(corrupt, out));

    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    assertEquals("first\nsecond\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void failsOnALengthThatDisagreesWithTheTrailer() throws IOException {
    byte[] good = gzip("first\n");
    byte[] wrong = Arrays.copyOf(good, good.length);
    wrong[wrong.length - 4] ^= 1;

    ZipException e = assertThrows(ZipException.class, () -> read(wrong));

    assertTrue(e.getMessage().contains("length"), e.getMessage());
  }

  @Test
  void failsOnBytesAfterAMemberThatDoNotStartAnother() throws IOException {
    byte[] file = concat(gzip("kept\n"), "appended\n".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ZipException e = assertThrows(ZipException.class, () -> readAll(file, out));

    assertEquals("bytes after the end of gzip member 1 that do not start another member", e.getMessage());
    assertEquals("kept\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void failsOnAFileCutInsideATrailer() throws IOException {
    byte[] whole = gzip("x\n");
    byte[] cut = Arrays.copyOf(whole, whole.length - 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    EOFException e = assertThrows(EOFException.class, () -> readAll(cut, out));

    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertArrayEquals("x\n".getBytes(StandardCharsets.UTF_8), out.toByteArray());
  }

  @Test
  void refusesAnEmptyFileAndOneThatIsNotGzip() {
    assertEquals(
        "not in gzip format",
        assertThrows(ZipException.class, () -> read("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8))).getMessage());
    assertThrows(ZipException.class, () -> read(new byte[0]));
  }

  @Test
  void readsOneByteAtATime() throws IOException {
    try (InputStream in = new GzipMembersInputStream(new ByteArrayInputStream(concat(gzip("ab"), gzip("c"))))) {
      assertEquals('a', in.read());
      assertEquals('b', in.read());
      assertEquals('c', in.read());
      assertEquals(-1, in.read());
      assertEquals(-1, in.read());
    }
  }
}
