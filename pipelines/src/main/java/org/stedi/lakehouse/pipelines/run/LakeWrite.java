package org.stedi.lakehouse.pipelines.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.stedi.lakehouse.model.QuarantinedLine;

/**
 * All outputs of a run in one file write: the rows of every table and quarantine, and the run's
 * tallies (its counts as data, see {@link Tallies}), are tagged with their output, and a single {@link FileIO#writeDynamic()} writes each (output, partition)
 * destination with its own sink (Snappy Parquet for tables, JSON lines for quarantines). One write
 * instead of one per output keeps the pipeline small (each write expands into some thirty steps),
 * which matters most on the DirectRunner, and gives every runner one write stage.
 */
final class LakeWrite {
  /** What an output holds. */
  enum Kind {
    TABLE,
    QUARANTINE,
    TALLIES
  }

  /** Where and how one output is written. */
  record Output(String folder, TableFormat<?> format, Kind kind) implements Serializable {
    boolean isTable() {
      return kind == Kind.TABLE;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final List<Output> outputs = new ArrayList<>();
  private final List<Coder<?>> coders = new ArrayList<>();
  private final List<PCollection<RawUnionValue>> rows = new ArrayList<>();

  /** The index of the tallies' output, once {@link #tallyInto} has registered it; -1 before. */
  private int tallies = -1;

  /**
   * Registers the run's tallies ({@code name, count} per bundle), written as tab-separated lines into
   * {@code folder} (relative to the base): the write's own row counts and {@link #addTallies}'.
   */
  void tallyInto(String folder) {
    tallies = outputs.size();
    outputs.add(new Output(folder, null, Kind.TALLIES));
    coders.add(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /**
   * Adds a table's rows, written as Parquet into {@code folder} (relative to the base), tallied as
   * {@code tally} by the step that tags them for the write.
   */
  <T> void addTable(String step, String folder, PCollection<T> tableRows, TableFormat<T> format, String tally) {
    add(step, new Output(folder, format, Kind.TABLE), tableRows, format.coder(), tally);
  }

  /** Adds quarantined lines, written as JSON lines into {@code folder}, tallied as {@code tally}. */
  void addQuarantine(String step, String folder, PCollection<QuarantinedLine> lines, String tally) {
    add(step, new Output(folder, null, Kind.QUARANTINE), lines, QuarantinedLine.Coder.of(), tally);
  }

  /** Adds tallies counted elsewhere in the graph to the tallies' output. */
  void addTallies(String step, PCollection<KV<String, Long>> counted) {
    if (tallies < 0) {
      throw new IllegalStateException("tallyInto was not called");
    }
    rows.add(counted.apply(step, ParDo.of(new TagFn<KV<String, Long>>(tallies, -1, null))));
  }

  private <T> void add(String step, Output output, PCollection<T> elements, Coder<T> coder, String tally) {
    int index = outputs.size();
    outputs.add(output);
    coders.add(coder);
    rows.add(elements.apply(step, ParDo.of(new TagFn<T>(index, tally == null ? -1 : tallies, tally))));
  }

  /** Applies the one write of every added output, under {@code base}. */
  void writeAll(String base, String temporary, int filesPerPartition) {
    if (rows.isEmpty()) {
      return;
    }
    UnionCoder coder = UnionCoder.of(List.copyOf(coders));
    PCollectionList<RawUnionValue> all = PCollectionList.empty(rows.get(0).getPipeline());
    for (PCollection<RawUnionValue> tagged : rows) {
      all = all.and(tagged.setCoder(coder));
    }
    List<Output> targets = List.copyOf(outputs);
    all.apply("FlattenOutputs", Flatten.pCollections())
        .setCoder(coder)
        .apply(
            "WriteOutputs",
            FileIO.<String, RawUnionValue>writeDynamic()
                .by(new DestinationFn(targets))
                .withDestinationCoder(StringUtf8Coder.of())
                .via(Contextful.fn(new SinkFn(targets)))
                .to(base)
                .withNaming(new NamingFn(targets))
                .withTempDirectory(temporary)
                .withNumShards(filesPerPartition));
  }

  /** {@code <output index>/<partition>}: "" for unpartitioned outputs. */
  private static final class DestinationFn implements org.apache.beam.sdk.transforms.SerializableFunction<RawUnionValue, String> {
    private final List<Output> outputs;

    DestinationFn(List<Output> outputs) {
      this.outputs = outputs;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String apply(RawUnionValue row) {
      Output output = outputs.get(row.getUnionTag());
      String partition = output.isTable() ? ((TableFormat<Object>) output.format()).partitionOf(row.getValue()) : "";
      return row.getUnionTag() + "/" + partition;
    }
  }

  private static int outputOf(String destination) {
    return Integer.parseInt(destination.substring(0, destination.indexOf('/')));
  }

  private static final class SinkFn implements org.apache.beam.sdk.transforms.SerializableFunction<String, FileIO.Sink<RawUnionValue>> {
    private final List<Output> outputs;

    SinkFn(List<Output> outputs) {
      this.outputs = outputs;
    }

    @Override
    public FileIO.Sink<RawUnionValue> apply(String destination) {
      Output output = outputs.get(outputOf(destination));
      return switch (output.kind()) {
        case TABLE -> new ParquetRowSink(output.format());
        case QUARANTINE, TALLIES -> new LinesSink(output.kind());
      };
    }
  }

  private static final class NamingFn implements org.apache.beam.sdk.transforms.SerializableFunction<String, FileIO.Write.FileNaming> {
    private final List<Output> outputs;

    NamingFn(List<Output> outputs) {
      this.outputs = outputs;
    }

    @Override
    public FileIO.Write.FileNaming apply(String destination) {
      Output output = outputs.get(outputOf(destination));
      String partition = destination.substring(destination.indexOf('/') + 1);
      String folder = output.folder() + "/" + (partition.isEmpty() ? "" : "dt=" + partition + "/");
      String prefix = switch (output.kind()) {
        case TABLE -> "part";
        case QUARANTINE -> "quarantine";
        case TALLIES -> "tallies";
      };
      String suffix = switch (output.kind()) {
        case TABLE -> ".parquet";
        case QUARANTINE -> ".json";
        case TALLIES -> ".tsv";
      };
      return new PartNaming(folder + prefix, suffix);
    }
  }

  /** {@code <folder>/<prefix>-00000-of-00002<suffix>}. */
  private static final class PartNaming implements FileIO.Write.FileNaming {
    private final String prefix;
    private final String suffix;

    PartNaming(String prefix, String suffix) {
      this.prefix = prefix;
      this.suffix = suffix;
    }

    @Override
    public String getFilename(BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
      return String.format("%s-%05d-of-%05d%s", prefix, shardIndex, numShards, suffix);
    }
  }

  /**
   * Writes a table's rows with Parquet's Avro writer, Snappy-compressed, on the JVM's one loaded
   * Hadoop configuration ({@link ParquetConf}).
   */
  private static final class ParquetRowSink implements FileIO.Sink<RawUnionValue> {
    private final TableFormat<?> format;
    private transient ParquetWriter<GenericRecord> writer;

    ParquetRowSink(TableFormat<?> format) {
      this.format = format;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      writer =
          new NumberedFieldsWriter(new ChannelOutputFile(channel), format)
              .withConf(ParquetConf.copy())
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void write(RawUnionValue row) throws IOException {
      writer.write(((TableFormat<Object>) format).toAvro(row.getValue()));
    }

    /** Writes the footer: the file is whole once Beam's sink closes the channel. */
    @Override
    public void flush() throws IOException {
      writer.close();
    }
  }

  /**
   * Parquet's Avro writer, with each column's field ID in the file's schema: 1 for the first column
   * of the table, in the contract's order, as the tables' Iceberg schema numbers them
   * ({@code IcebergTables.schema}). Readers that map columns by ID (Iceberg's) then need no name
   * mapping; readers by name see the same file as without IDs.
   */
  private static final class NumberedFieldsWriter extends ParquetWriter.Builder<GenericRecord, NumberedFieldsWriter> {
    private final TableFormat<?> format;

    NumberedFieldsWriter(org.apache.parquet.io.OutputFile file, TableFormat<?> format) {
      super(file);
      this.format = format;
    }

    @Override
    protected NumberedFieldsWriter self() {
      return this;
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
      return new AvroWriteSupport<>(numbered(new AvroSchemaConverter(conf).convert(format.schema())), format.schema(), GenericData.get());
    }

    static MessageType numbered(MessageType schema) {
      List<Type> fields = new ArrayList<>();
      for (int i = 0; i < schema.getFieldCount(); i++) {
        fields.add(schema.getType(i).withId(i + 1));
      }
      return new MessageType(schema.getName(), fields);
    }
  }

  /** Writes one text line per row: quarantined lines as JSON, tallies as {@code name<TAB>count}. */
  private static final class LinesSink implements FileIO.Sink<RawUnionValue> {
    private final Kind kind;
    private transient TextIO.Sink text;

    LinesSink(Kind kind) {
      this.kind = kind;
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      text = TextIO.sink();
      text.open(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void write(RawUnionValue row) throws IOException {
      if (kind == Kind.TALLIES) {
        KV<String, Long> tally = (KV<String, Long>) row.getValue();
        text.write(tally.getKey() + "\t" + tally.getValue());
      } else {
        text.write(quarantineJson((QuarantinedLine) row.getValue()));
      }
    }

    @Override
    public void flush() throws IOException {
      text.flush();
    }
  }

  /**
   * The JSON line of a quarantined line: {@code source}, {@code file}, {@code lineNumber},
   * {@code rawText} and {@code reason}.
   */
  static String quarantineJson(QuarantinedLine line) {
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

  /**
   * Tags each row with its output; with a tally name, also counts the bundle's rows and emits the
   * count as a row of the tallies' output, so that counting costs no step of its own.
   */
  private static final class TagFn<T> extends DoFn<T, RawUnionValue> {
    private final int output;
    private final int tallyOutput;
    private final String tally;
    private transient long count;

    TagFn(int output, int tallyOutput, String tally) {
      this.output = output;
      this.tallyOutput = tallyOutput;
      this.tally = tally;
    }

    @StartBundle
    public void startBundle() {
      count = 0;
    }

    @ProcessElement
    public void processElement(@Element T row, OutputReceiver<RawUnionValue> out) {
      count++;
      out.output(new RawUnionValue(output, row));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (tally != null && count > 0) {
        context.output(
            new RawUnionValue(tallyOutput, KV.of(tally, count)), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }
}
