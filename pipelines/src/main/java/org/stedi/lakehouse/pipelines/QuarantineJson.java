package org.stedi.lakehouse.pipelines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.pipelines.publish.LocalPublisher;

/**
 * Writes quarantined lines as newline-delimited JSON, one object per line with the fields
 * {@code source}, {@code file}, {@code lineNumber}, {@code rawText} and {@code reason}, into one
 * file per run: {@code quarantine-00000-of-00001.json}.
 */
final class QuarantineJson extends PTransform<PCollection<QuarantinedLine>, PDone> {
  private static final JsonFactory JSON = new JsonFactory();
  private final String location;

  private QuarantineJson(String location) {
    this.location = location;
  }

  static QuarantineJson writeTo(String location) {
    return new QuarantineJson(location);
  }

  /** The JSON line of a quarantined line. */
  static String toJson(QuarantinedLine line) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("source", line.source().folder());
      g.writeStringField("file", line.file());
      g.writeNumberField("lineNumber", line.lineNumber());
      g.writeStringField("rawText", line.rawText());
      g.writeStringField("reason", line.reason());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public PDone expand(PCollection<QuarantinedLine> lines) {
    lines
        .apply("FormatQuarantineJson", MapElements.into(TypeDescriptors.strings()).via(QuarantineJson::toJson))
        .setCoder(StringUtf8Coder.of())
        .apply(
            "WriteQuarantineFile",
            FileIO.<String>write()
                .via(TextIO.sink())
                .to(location)
                .withPrefix("quarantine")
                .withSuffix(".json")
                .withTempDirectory(location + "/" + LocalPublisher.TEMPORARY)
                .withNumShards(1));
    return PDone.in(lines.getPipeline());
  }
}
