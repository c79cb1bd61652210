package org.stedi.lakehouse.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A landing line that could not become a record: where it came from (file and 1-based line
 * number), its raw text, and why it was rejected. For a damaged gzip file, one entry stands for the
 * unreadable rest of the file: its line number is the first line that could not be read and its raw
 * text is empty.
 */
@DefaultCoder(QuarantinedLine.Coder.class)
public record QuarantinedLine(Source source, String file, long lineNumber, String rawText, String reason) {

  public QuarantinedLine {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(rawText, "rawText");
    Objects.requireNonNull(reason, "reason");
  }

  /** The Beam coder of quarantined lines: deterministic, no reflection. */
  public static final class Coder extends RecordCoder<QuarantinedLine> {
    private static final Coder INSTANCE = new Coder();
    private static final Source[] SOURCES = Source.values();

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    /** Lets {@code @DefaultCoder} find this coder. */
    public static CoderProvider getCoderProvider() {
      return providerFor(QuarantinedLine.class, INSTANCE);
    }

    @Override
    public void encode(QuarantinedLine q, OutputStream out) throws IOException {
      out.write(q.source.ordinal());
      Wire.writeString(q.file, out);
      Wire.writeLong(q.lineNumber, out);
      Wire.writeString(q.rawText, out);
      Wire.writeString(q.reason, out);
    }

    @Override
    public QuarantinedLine decode(InputStream in) throws IOException {
      int ordinal = in.read();
      if (ordinal < 0 || ordinal >= SOURCES.length) {
        throw new IOException("bad source ordinal " + ordinal);
      }
      return new QuarantinedLine(
          SOURCES[ordinal], Wire.readString(in), Wire.readLong(in), Wire.readString(in), Wire.readString(in));
    }
  }
}
