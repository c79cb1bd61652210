package org.stedi.lakehouse.pipelines.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.stedi.lakehouse.landing.LandingRecords;
import org.stedi.lakehouse.landing.ReadLanding;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.StepTrainerTrusted;
import org.stedi.lakehouse.pipelines.publish.TablePublisher;

/**
 * The reads and writes of one run: landing JSON and published tables are read; tables and
 * quarantines are written to the run's staging folders, which the run publishes only when the whole
 * pipeline has succeeded.
 */
public final class LakeIO {
  /** Counter namespace of the rows written per table ({@code <table>_written}). */
  public static final String WRITTEN_NAMESPACE = "LakeIO";

  private final Lake lake;
  private final Map<String, String> readLocations;
  private final Map<String, String> stagingLocations;
  private final int filesPerPartition;
  private final String runId;
  private final LakeWrite writes = new LakeWrite();
  private final List<PCollection<KV<String, Long>>> tallies = new ArrayList<>();
  private Map<String, List<String>> readFiles = Map.of();

  /** Tally name suffixes: a source's parsed records, its rejected lines, a rule's input, a table's rows. */
  static final String RECORDS = "_records";

  static final String QUARANTINED = "_quarantined";
  static final String INPUT = "_input";
  static final String ROWS = "_rows";

  /**
   * @param readLocations folder of the published version of each table the run reads, by table path
   * @param stagingLocations folder each output of the run is written to, by table path
   */
  LakeIO(
      Lake lake,
      String runId,
      Map<String, String> readLocations,
      Map<String, String> stagingLocations,
      int filesPerPartition) {
    if (filesPerPartition < 1) {
      throw new IllegalArgumentException("--filesPerPartition must be at least 1, got " + filesPerPartition);
    }
    this.lake = lake;
    this.readLocations = Map.copyOf(readLocations);
    this.stagingLocations = Map.copyOf(stagingLocations);
    this.filesPerPartition = filesPerPartition;
    this.runId = runId;
    writes.tallyInto(relative(talliesLocation(lake, runId)));
  }

  /**
   * The data files to read for the input tables held as Iceberg tables (their current snapshot's),
   * by table path, instead of a published folder.
   */
  LakeIO withReadFiles(Map<String, List<String>> files) {
    this.readFiles = Map.copyOf(files);
    return this;
  }

  public Lake lake() {
    return lake;
  }

  /**
   * Reads a source's landing folder (every file under it, hidden names left out), tallying its
   * records ({@code <source>_records}) and rejected lines ({@code <source>_quarantined}).
   */
  public <T> LandingRecords<T> readLanding(Pipeline pipeline, Source source, ReadLanding<T> read) {
    LandingRecords<T> landing = parse(pipeline, source, read);
    tally(source.folder() + RECORDS, landing.records());
    return landing;
  }

  /**
   * On the SparkRunner each landing file is parsed twice ({@link ReadLanding#inTwoPasses()}): its
   * translator would otherwise store every landing record in the block store to split the step's
   * two outputs.
   */
  private <T> LandingRecords<T> parse(Pipeline pipeline, Source source, ReadLanding<T> read) {
    ReadLanding<T> files = read.from(lake.landing(source) + "/**");
    if (storesMultiOutputSteps(pipeline)) {
      files = files.inTwoPasses();
    }
    return pipeline.apply("Read" + stepName(source.folder()) + "Landing", files);
  }

  /** Whether the pipeline's runner is Beam's SparkRunner (batch), named so as not to depend on it. */
  static boolean storesMultiOutputSteps(Pipeline pipeline) {
    return pipeline.getOptions().getRunner().getName().equals("org.apache.beam.runners.spark.SparkRunner");
  }

  /** Tallies the elements that a table's rule takes in ({@code <table>_input}). */
  public void tallyInput(LakeTable table, PCollection<?> input) {
    tally(table.tableName() + INPUT, input);
  }

  private <T> void tally(String name, PCollection<T> elements) {
    tallies.add(
        elements
            .apply("Tally" + stepName(name), ParDo.of(new Tallies.TallyFn<T>(name)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
  }

  /** Where a run's tallies are written: under its temporary folder, removed once it has published. */
  static String talliesLocation(Lake lake, String runId) {
    return lake.resolve(TablePublisher.TEMPORARY + "/" + runId + "/tallies");
  }

  /**
   * Reads a source's landing folder for its valid records only, where another pipeline owns the
   * source's quarantine (the device-ownership evidence of the step trainer pipelines). The rejected
   * lines are still consumed, by a step that drops them: Beam 2.70's SparkRunner mistranslates a
   * multi-output ParDo whose extra output nobody reads (apache/beam#37994, fixed after 2.70), which
   * here surfaced as a ClassCastException between the two outputs.
   */
  public <T> PCollection<T> readLandingRecords(Pipeline pipeline, Source source, ReadLanding<T> read) {
    LandingRecords<T> landing = parse(pipeline, source, read);
    landing.failures().apply("Skip" + stepName(source.folder()) + "LinesOwnedByAnotherQuarantine", ParDo.of(new DropFn()));
    return landing.records();
  }

  /** Reads the published Parquet table, following the contract's section 1 reading rule. */
  public <T> PCollection<T> readTable(Pipeline pipeline, LakeTable table, TableFormat<T> format) {
    String step = stepName(table.tableName());
    List<String> files = readFiles.get(table.path());
    if (files != null) {
      PCollection<String> paths =
          files.isEmpty()
              ? pipeline.apply("List" + step + "SnapshotFiles", Create.empty(StringUtf8Coder.of()))
              : pipeline.apply("List" + step + "SnapshotFiles", Create.of(files).withCoder(StringUtf8Coder.of()));
      return paths
          .apply("Match" + step, FileIO.matchAll())
          .apply("Open" + step, FileIO.readMatches())
          .apply("Read" + step, ParquetIO.parseFilesGenericRecords(format::fromAvro).withCoder(format.coder()));
    }
    String location = readLocations.get(table.path());
    if (location == null) {
      throw new IllegalStateException("the run did not resolve the input table " + table.tableName());
    }
    return pipeline
        .apply("Match" + step, FileIO.match().filepattern(location + "/**").withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
        .apply("KeepVisible" + step + "Files", Filter.by(metadata -> HiddenNames.isTableFile(location, metadata.resourceId().toString())))
        .apply("Open" + step, FileIO.readMatches())
        .apply("Read" + step, ParquetIO.parseFilesGenericRecords(format::fromAvro).withCoder(format.coder()));
  }

  /**
   * Writes a table as Snappy Parquet into the run's staging folder: {@code dt=YYYY-MM-DD/}
   * sub-folders for the reading tables, {@code --filesPerPartition} files per partition. The write
   * itself happens in {@link #writeAll()}, together with every other output of the run.
   */
  public <T> void writeTable(LakeTable table, PCollection<T> rows, TableFormat<T> format) {
    String step = stepName(table.tableName());
    PCollection<T> counted =
        rows.apply("Count" + step + "Rows", ParDo.of(new CountWrittenFn<T>(table.tableName() + "_written")))
            .setCoder(format.coder());
    writes.addTable("Tag" + step + "Rows", relative(staging(table.path())), counted, format, table.tableName() + ROWS);
  }

  /** Writes a source's rejected lines as JSON lines into the run's staging quarantine folder. */
  public void writeQuarantine(Source source, PCollection<QuarantinedLine> failures) {
    writes.addQuarantine(
        "Tag" + stepName(source.folder()) + "Quarantine",
        relative(staging(source.quarantinePath())),
        failures,
        source.folder() + QUARANTINED);
  }

  /** Applies the one write of all the tables and quarantines the graph has produced. */
  void writeAll() {
    if (!tallies.isEmpty()) {
      writes.addTallies("TagTallies", PCollectionList.of(tallies).apply("FlattenTallies", Flatten.pCollections()));
    }
    writes.writeAll(lake.root(), lake.resolve(TablePublisher.TEMPORARY + "/" + runId), filesPerPartition);
  }

  private String relative(String location) {
    String prefix = lake.root() + "/";
    if (!location.startsWith(prefix)) {
      throw new IllegalStateException(location + " is not in the lake " + lake);
    }
    return location.substring(prefix.length());
  }

  private String staging(String tablePath) {
    String location = stagingLocations.get(tablePath);
    if (location == null) {
      throw new IllegalStateException("the run did not stage an output for " + tablePath);
    }
    return location;
  }

  /** {@code step_trainer_trusted} to {@code StepTrainerTrusted}, for step names. */
  static String stepName(String snake) {
    StringBuilder name = new StringBuilder();
    for (String part : snake.split("_")) {
      if (!part.isEmpty()) {
        name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return name.toString();
  }

  private static final class DropFn extends DoFn<QuarantinedLine, Void> {
    @ProcessElement
    public void processElement(@Element QuarantinedLine line) {
      // Counted and kept by the pipeline that owns this source's quarantine.
    }
  }

  private static final class CountWrittenFn<T> extends DoFn<T, T> {
    private final Counter written;

    CountWrittenFn(String name) {
      this.written = Metrics.counter(WRITTEN_NAMESPACE, name);
    }

    @ProcessElement
    public void processElement(@Element T row, OutputReceiver<T> out) {
      written.inc();
      out.output(row);
    }
  }
}
