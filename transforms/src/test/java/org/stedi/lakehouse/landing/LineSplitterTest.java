package org.stedi.lakehouse.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Splitting landing byte streams into numbered lines. */
class LineSplitterTest {
  private static final int NO_LIMIT = ReadLanding.DEFAULT_MAX_LINE_BYTES;
  private static final String BOM = "\uFEFF";

  /** One line as the splitter handed it over, copied out of the reused buffer. */
  record Line(long number, String text, boolean truncated) {
    static Line of(long number, String text) {
      return new Line(number, text, false);
    }
  }

  /** What one split produced: the lines, and the last line number it returned. */
  record Split(List<Line> lines, long lastLineNumber) {}

  /** How the stream under the splitter delivers its bytes. */
  enum Reads {
    AS_MUCH_AS_ASKED,
    ONE_BYTE_PER_CALL;

    InputStream open(byte[] bytes) {
      InputStream in = new ByteArrayInputStream(bytes);
      return this == AS_MUCH_AS_ASKED ? in : new OneByteAtATime(in);
    }
  }

  /** Returns at most one byte from every read call, as a slow network stream may. */
  static final class OneByteAtATime extends FilterInputStream {
    OneByteAtATime(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1));
    }
  }

  private static Split split(InputStream in, int maxLineBytes) {
    List<Line> lines = new ArrayList<>();
    try {
      long last =
          new LineSplitter(maxLineBytes)
              .split(
                  in,
                  (number, bytes, offset, length, truncated) ->
                      lines.add(
                          new Line(number, new String(bytes, offset, length, StandardCharsets.UTF_8), truncated)));
      return new Split(lines, last);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Split split(String text, int maxLineBytes) {
    return split(new ByteArrayInputStream(utf8(text)), maxLineBytes);
  }

  private static List<Line> lines(String text) {
    return split(text, NO_LIMIT).lines();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String repeat(char c, int count) {
    char[] chars = new char[count];
    Arrays.fill(chars, c);
    return new String(chars);
  }

  @Test
  void numbersLinesFromOneCountingBlankLines() {
    Split split = split("first\n\n  \t\nfourth\n", NO_LIMIT);
    assertEquals(
        List.of(Line.of(1, "first"), Line.of(2, ""), Line.of(3, "  \t"), Line.of(4, "fourth")), split.lines());
    assertEquals(4, split.lastLineNumber());
  }

  @Test
  void stripsTheCarriageReturnOfCrlfLineEndsOnly() {
    assertEquals(
        List.of(Line.of(1, "a"), Line.of(2, ""), Line.of(3, "b\rc"), Line.of(4, "d\r")),
        lines("a\r\n\r\nb\rc\r\nd\r\r\n"));
  }

  @Test
  void stripsByteOrderMarkAtTheStartOfTheStream() {
    assertEquals(List.of(Line.of(1, "{\"a\":1}"), Line.of(2, "b")), lines(BOM + "{\"a\":1}\r\nb\r\n"));
  }

  @Test
  void keepsByteOrderMarkThatIsNotAtTheStartOfTheStream() {
    assertEquals(
        List.of(Line.of(1, "a"), Line.of(2, BOM + "b"), Line.of(3, "c" + BOM)),
        lines("a\n" + BOM + "b\nc" + BOM + "\n"));
  }

  @Test
  void stripsOnlyTheFirstOfTwoLeadingByteOrderMarks() {
    assertEquals(List.of(Line.of(1, BOM + "a")), lines(BOM + BOM + "a\n"));
  }

  @Test
  void handsOverLastLineWithoutTrailingNewline() {
    Split split = split("a\nlast", NO_LIMIT);
    assertEquals(List.of(Line.of(1, "a"), Line.of(2, "last")), split.lines());
    assertEquals(2, split.lastLineNumber());
  }

  @Test
  void givesNoLinesForAnEmptyStream() {
    Split split = split("", NO_LIMIT);
    assertEquals(List.of(), split.lines());
    assertEquals(0, split.lastLineNumber());
  }

  @Test
  void givesNoLinesForAStreamHoldingOnlyAByteOrderMark() {
    Split split = split(BOM, NO_LIMIT);
    assertEquals(List.of(), split.lines());
    assertEquals(0, split.lastLineNumber());
  }

  @Test
  void keepsLinesIntactAcrossTheChunkBoundaries() {
    // ~250 lines of 900..1099 bytes (about 245 KiB), so that line ends fall at varying places
    // relative to the 64 KiB chunks; some lines hold multi-byte characters.
    StringBuilder text = new StringBuilder();
    List<Line> expected = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      String line = i + ":" + repeat(i % 7 == 0 ? 'é' : (char) ('a' + i % 26), 900 + (i * 37) % 200);
      expected.add(Line.of(i, line));
      text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    assertTrue(utf8(text.toString()).length > 200 * 1024);
    Split split = split(text.toString(), NO_LIMIT);
    assertEquals(expected, split.lines());
    assertEquals(250, split.lastLineNumber());
  }

  @Test
  void keepsLineLongerThanOneChunkWhole() {
    String longLine = repeat('x', 150_000);
    assertEquals(
        List.of(Line.of(1, "a"), Line.of(2, longLine), Line.of(3, "b")), lines("a\n" + longLine + "\nb\n"));
  }

  @ParameterizedTest
  @EnumSource(Reads.class)
  void handsOverTooLongLineOnceAsItsTruncatedHeadFollowedByTheNextLine(Reads reads) {
    String longLine = "0123456789".repeat(30);
    byte[] input = utf8("short\n" + longLine + "\nnext\nlast");
    Split split = split(reads.open(input), 100);
    assertEquals(
        List.of(
            Line.of(1, "short"), new Line(2, longLine.substring(0, 100), true), Line.of(3, "next"), Line.of(4, "last")),
        split.lines());
    assertEquals(4, split.lastLineNumber());
  }

  @Test
  void handsOverTooLongLineSpanningSeveralChunksOnce() {
    String longLine = repeat('y', 200_000);
    Split split = split("a\n" + longLine + "\r\nb\n", 1000);
    assertEquals(
        List.of(Line.of(1, "a"), new Line(2, longLine.substring(0, 1000), true), Line.of(3, "b")), split.lines());
  }

  @Test
  void handsOverTooLongLastLineWithoutTrailingNewlineOnce() {
    String longLine = repeat('z', 100_000);
    Split split = split("a\n" + longLine, 1000);
    assertEquals(List.of(Line.of(1, "a"), new Line(2, longLine.substring(0, 1000), true)), split.lines());
    assertEquals(2, split.lastLineNumber());
  }

  @ParameterizedTest
  @EnumSource(Reads.class)
  void keepsLineOfExactlyTheLimitEndingInCrlfWhole(Reads reads) {
    String line = repeat('q', 100);
    Split split = split(reads.open(utf8(line + "\r\nnext\r\n")), 100);
    assertEquals(List.of(Line.of(1, line), Line.of(2, "next")), split.lines());
  }

  @Test
  void givesTheSameLinesWhenTheStreamReturnsOneBytePerRead() {
    StringBuilder text = new StringBuilder(BOM + "{\"a\":1}\r\n\n   \r\n");
    for (int i = 0; i < 100; i++) {
      text.append("line ").append(i).append(' ').append(repeat('ü', i * 13)).append(i % 2 == 0 ? "\n" : "\r\n");
    }
    byte[] input = utf8(text.append(BOM).append("tail without newline").toString());
    Split chunked = split(Reads.AS_MUCH_AS_ASKED.open(input), NO_LIMIT);
    Split byteByByte = split(Reads.ONE_BYTE_PER_CALL.open(input), NO_LIMIT);
    assertEquals(104, chunked.lastLineNumber());
    assertEquals(Line.of(1, "{\"a\":1}"), chunked.lines().get(0));
    assertEquals(chunked, byteByByte);
  }

  @Test
  void acceptsLineLongerThanOneChunkWhenTheLimitIsTheLargestInt() {
    String longLine = repeat('w', 100_000);
    assertEquals(List.of(Line.of(1, longLine), Line.of(2, "b")), split(longLine + "\nb", Integer.MAX_VALUE).lines());
  }

  @Test
  void callsOnlySpacesTabsAndCarriageReturnsBlank() {
    assertTrue(blank(""));
    assertTrue(blank(" \t\r "));
    assertFalse(blank("  x "));
    assertFalse(blank("{}"));
    assertFalse(blank("\u00A0")); // a no-break space is content
    assertFalse(blank(BOM));
  }

  @Test
  void judgesBlanknessOnTheGivenSliceOnly() {
    byte[] bytes = utf8("ab \t cd");
    assertTrue(LineSplitter.isBlank(bytes, 2, 3));
    assertFalse(LineSplitter.isBlank(bytes, 1, 3));
    assertFalse(LineSplitter.isBlank(bytes, 2, 4));
  }

  private static boolean blank(String text) {
    byte[] bytes = utf8(text);
    return LineSplitter.isBlank(bytes, 0, bytes.length);
  }
}
