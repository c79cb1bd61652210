package org.stedi.lakehouse.landing;

/**
 * Strict UTF-8 (RFC 3629) for landing lines. Jackson's byte parser decodes some ill-formed
 * sequences without complaint (overlong forms such as {@code C0 AF} for {@code /}, encoded
 * surrogates such as {@code ED A0 80}), and switches to UTF-16 or UTF-32 when a line starts with a
 * NUL byte or a UTF-16 byte-order mark; a landing line is UTF-8 (RFC 8259, section 8.1), so such
 * lines are rejected here instead.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * Whether the first bytes of the slice would make Jackson read it as UTF-16 or UTF-32: a NUL in
   * the first two bytes, or a {@code FE FF} / {@code FF FE} byte-order mark. No JSON object in
   * UTF-8 starts that way.
   */
  static boolean looksLikeUtf16Or32(byte[] bytes, int offset, int length) {
    if (length < 2) {
      return false;
    }
    int first = bytes[offset] & 0xFF;
    int second = bytes[offset + 1] & 0xFF;
    return first == 0 || second == 0 || (first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE);
  }

  /**
   * The position, relative to {@code offset}, of the first byte that does not start a well-formed
   * UTF-8 sequence of the slice (a stray continuation byte, an overlong form, a surrogate, a code
   * point above U+10FFFF, a sequence cut short), or -1 when the whole slice is well-formed.
   */
  static int firstMalformed(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int lead = bytes[i];
      if (lead >= 0) {
        i++;
        continue;
      }
      lead &= 0xFF;
      int continuations;
      int secondMin = 0x80;
      int secondMax = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        continuations = 1;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuations = 2;
        if (lead == 0xE0) {
          secondMin = 0xA0; // shorter forms are overlong
        } else if (lead == 0xED) {
          secondMax = 0x9F; // ED A0..BF would encode a surrogate
        }
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuations = 3;
        if (lead == 0xF0) {
          secondMin = 0x90; // shorter forms are overlong
        } else if (lead == 0xF4) {
          secondMax = 0x8F; // above U+10FFFF
        }
      } else {
        return i - offset; // 80..C1 (continuation or overlong lead), F5..FF (never in UTF-8)
      }
      if (i + continuations >= end) {
        return i - offset;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < secondMin || second > secondMax) {
        return i - offset;
      }
      for (int k = 2; k <= continuations; k++) {
        int next = bytes[i + k] & 0xFF;
        if (next < 0x80 || next > 0xBF) {
          return i - offset;
        }
      }
      i += continuations + 1;
    }
    return -1;
  }

  /** Up to four bytes from {@code position} of the slice, as hex, for a quarantine reason. */
  static String hexAt(byte[] bytes, int offset, int length, int position) {
    StringBuilder hex = new StringBuilder();
    for (int k = position; k < Math.min(length, position + 4); k++) {
      if (hex.length() > 0) {
        hex.append(' ');
      }
      hex.append(String.format("%02X", bytes[offset + k] & 0xFF));
    }
    return hex.toString();
  }
}
