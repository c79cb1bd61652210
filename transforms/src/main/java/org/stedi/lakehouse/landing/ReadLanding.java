package org.stedi.lakehouse.landing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.Channels;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.HiddenNames;
import org.stedi.lakehouse.model.QuarantinedLine;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * Reads the newline-delimited JSON files of one landing source and parses every line, splitting
 * the result into records and quarantined lines ({@link LandingRecords}).
 *
 * <p>Files are matched by a Beam file pattern on any registered file system (a local folder,
 * {@code s3://...}); a file whose name ends in {@code .gz} is decompressed with gzip, every other
 * file is read as it is. An empty match is not an error: an empty landing folder gives no records.
 *
 * <p>What happens to each line:
 *
 * <ul>
 *   <li>blank lines (only spaces, tabs, carriage returns) are skipped and not counted;
 *   <li>a line the source's {@link LandingParser} accepts becomes a record;
 *   <li>any other line becomes a {@link QuarantinedLine} with its file, 1-based line number, raw
 *       text (decoded as UTF-8, invalid bytes replaced) and the parser's reason;
 *   <li>a line longer than {@link #withMaxLineBytes} is quarantined with its head as raw text;
 *   <li>a damaged gzip stream (truncated, corrupt, not gzip at all, or followed by bytes that are
 *       not another gzip member) keeps the lines read before the damage and adds one quarantine
 *       entry for the unreadable rest of the file (line number = the first line not read).
 * </ul>
 *
 * An I/O error of the file system itself (a network error while reading S3, say) is not bad input:
 * it fails the bundle, so that the runner retries it.
 *
 * <p>Each file is read by one worker, sequentially; parallelism comes from the number of files.
 *
 * <p>{@link #inTwoPasses()} reads each file twice, once for its records and once for its rejected
 * lines, for runners that store the whole output of a step with two outputs (the SparkRunner).
 *
 * <p>Counters (namespace {@code ReadLanding}): {@code <source>_lines} (non-blank lines read),
 * {@code <source>_records}, {@code <source>_quarantined}, with {@code <source>} the source's
 * folder name such as {@code step_trainer}.
 */
public final class ReadLanding<T> extends PTransform<PBegin, LandingRecords<T>> {
  /** The default limit on the length of one line: 64 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 64 << 20;

  private final LandingParser<T> parser;
  private final Coder<T> coder;
  private final String filepattern;
  private final int maxLineBytes;
  private final boolean twoPasses;

  private ReadLanding(
      LandingParser<T> parser, Coder<T> coder, String filepattern, int maxLineBytes, boolean twoPasses) {
    this.parser = parser;
    this.coder = coder;
    this.filepattern = filepattern;
    this.maxLineBytes = maxLineBytes;
    this.twoPasses = twoPasses;
  }

  /** Reads customer_landing lines. */
  public static ReadLanding<Customer> customers() {
    return new ReadLanding<>(LandingParser.customers(), Customer.Coder.of(), null, DEFAULT_MAX_LINE_BYTES, false);
  }

  /** Reads accelerometer_landing lines. */
  public static ReadLanding<AccelerometerReading> accelerometer() {
    return new ReadLanding<>(
        LandingParser.accelerometer(), AccelerometerReading.Coder.of(), null, DEFAULT_MAX_LINE_BYTES, false);
  }

  /** Reads step_trainer_landing lines. */
  public static ReadLanding<StepTrainerReading> stepTrainer() {
    return new ReadLanding<>(
        LandingParser.stepTrainer(), StepTrainerReading.Coder.of(), null, DEFAULT_MAX_LINE_BYTES, false);
  }

  /**
   * The files to read, as a Beam file pattern: {@code /lake/customer/landing/*},
   * {@code s3://bucket/lake/customer/landing/**}.
   */
  public ReadLanding<T> from(String filepattern) {
    requireNonNull(filepattern, "filepattern");
    if (filepattern.isBlank()) {
      throw new IllegalArgumentException("filepattern must not be blank");
    }
    return new ReadLanding<>(parser, coder, filepattern, maxLineBytes, twoPasses);
  }

  /** The longest line that is parsed; longer lines are quarantined. Default 64 MiB. */
  public ReadLanding<T> withMaxLineBytes(int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
    }
    return new ReadLanding<>(parser, coder, filepattern, maxLineBytes, twoPasses);
  }

  /**
   * Parses each file twice: one step keeps its records, another its rejected lines; the records,
   * the rejected lines and the counters are the same as with one pass. Use it on the SparkRunner:
   * its batch translator stores the whole output of a step whose two outputs are both read
   * ({@code --storageLevel}, whatever {@code --cacheDisabled} says), so that one pass writes every
   * record to Spark's block store and reads it back, which costs several times what parsing the
   * line again does (at scale 100: 5 against 1.5 µs of CPU per line). Leave it off where a step's
   * outputs stream to their readers (the DirectRunner, Flink): there the second pass is pure cost.
   */
  public ReadLanding<T> inTwoPasses() {
    return new ReadLanding<>(parser, coder, filepattern, maxLineBytes, true);
  }

  @Override
  public LandingRecords<T> expand(PBegin input) {
    if (filepattern == null) {
      throw new IllegalStateException("ReadLanding needs the files to read: call from(filepattern)");
    }
    TupleTag<T> recordsTag = new TupleTag<>("records") {};
    TupleTag<QuarantinedLine> failuresTag = new TupleTag<>("quarantined") {};
    PCollection<FileIO.ReadableFile> files =
        input
            .apply(
                "MatchLandingFiles",
                FileIO.match().filepattern(filepattern).withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("KeepVisibleLandingFiles", Filter.by(new IsVisible(baseFolder(filepattern))))
            .apply("OpenLandingFiles", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED));
    PCollectionTuple parsed;
    if (twoPasses) {
      PCollection<T> records =
          files.apply(
              "ParseLandingLines",
              ParDo.of(new ReadFileFn<>(parser, recordsTag, null, maxLineBytes))
                  .withOutputTags(recordsTag, TupleTagList.empty()))
              .get(recordsTag);
      PCollection<QuarantinedLine> failures =
          files.apply(
              "FindRejectedLandingLines",
              ParDo.of(new RejectedLinesFn<>(parser, maxLineBytes)));
      parsed = PCollectionTuple.of(recordsTag, records).and(failuresTag, failures);
    } else {
      parsed =
          files.apply(
              "ParseLandingLines",
              ParDo.of(new ReadFileFn<>(parser, recordsTag, failuresTag, maxLineBytes))
                  .withOutputTags(recordsTag, TupleTagList.of(failuresTag)));
    }
    parsed.get(recordsTag).setCoder(coder);
    parsed.get(failuresTag).setCoder(QuarantinedLine.Coder.of());
    return new LandingRecords<>(parsed, recordsTag, failuresTag);
  }

  /** The name of the counter of a source's non-blank lines read ({@code step_trainer_lines}). */
  public static String linesCounter(Source source) {
    return source.folder() + "_lines";
  }

  /** The name of the counter of a source's lines that parsed ({@code step_trainer_records}). */
  public static String recordsCounter(Source source) {
    return source.folder() + "_records";
  }

  /** The name of the counter of a source's lines quarantined ({@code step_trainer_quarantined}). */
  public static String quarantinedCounter(Source source) {
    return source.folder() + "_quarantined";
  }

  /**
   * The folder a file pattern names before its first wildcard ({@code s3://b/lake/customer/landing} of
   * {@code s3://b/lake/customer/landing/**}): names below it are checked by the reading rule.
   */
  static String baseFolder(String filepattern) {
    int wildcard = filepattern.length();
    for (char c : new char[] {'*', '?', '[', '{'}) {
      int at = filepattern.indexOf(c);
      if (at >= 0) {
        wildcard = Math.min(wildcard, at);
      }
    }
    int slash = filepattern.lastIndexOf('/', wildcard - 1);
    return slash < 0 ? "" : filepattern.substring(0, slash);
  }

  /** The reading rule ({@link HiddenNames}) below a base folder. */
  private static final class IsVisible implements SerializableFunction<MatchResult.Metadata, Boolean> {
    private final String base;

    IsVisible(String base) {
      this.base = base;
    }

    @Override
    public Boolean apply(MatchResult.Metadata file) {
      return HiddenNames.isVisible(base, file.resourceId().toString());
    }
  }

  /**
   * Reads one landing file and routes each line to records or failures, counting every line. In a
   * two-pass read the failures tag is null: this pass keeps the records (and still counts the
   * rejected lines), {@link RejectedLinesFn} keeps the rejected lines.
   */
  static final class ReadFileFn<T> extends DoFn<FileIO.ReadableFile, T> {
    private final LandingParser<T> parser;
    private final TupleTag<T> recordsTag;
    private final TupleTag<QuarantinedLine> failuresTag;
    private final int maxLineBytes;
    private final Counter lines;
    private final Counter records;
    private final Counter quarantined;

    ReadFileFn(
        LandingParser<T> parser,
        TupleTag<T> recordsTag,
        TupleTag<QuarantinedLine> failuresTag,
        int maxLineBytes) {
      this.parser = parser;
      this.recordsTag = recordsTag;
      this.failuresTag = failuresTag;
      this.maxLineBytes = maxLineBytes;
      this.lines = Metrics.counter(ReadLanding.class, linesCounter(parser.source()));
      this.records = Metrics.counter(ReadLanding.class, recordsCounter(parser.source()));
      this.quarantined = Metrics.counter(ReadLanding.class, quarantinedCounter(parser.source()));
    }

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      read(parser, file, maxLineBytes, new LandingFileReader.Receiver<T>() {
        @Override
        public void record(T record) {
          lines.inc();
          records.inc();
          out.get(recordsTag).output(record);
        }

        @Override
        public void rejected(QuarantinedLine line) {
          lines.inc();
          quarantined.inc();
          if (failuresTag != null) {
            out.get(failuresTag).output(line);
          }
        }
      });
    }
  }

  /** Reads one landing file, line by line, into {@code receiver}. */
  private static <T> void read(
      LandingParser<T> parser, FileIO.ReadableFile file, int maxLineBytes, LandingFileReader.Receiver<T> receiver)
      throws IOException {
    LandingFileReader.read(
        parser, file.getMetadata().resourceId().toString(), Channels.newInputStream(file.open()), maxLineBytes, receiver);
  }

  /** The second pass of a two-pass read: the rejected lines of one landing file, uncounted. */
  static final class RejectedLinesFn<T> extends DoFn<FileIO.ReadableFile, QuarantinedLine> {
    private final LandingParser<T> parser;
    private final int maxLineBytes;

    RejectedLinesFn(LandingParser<T> parser, int maxLineBytes) {
      this.parser = parser;
      this.maxLineBytes = maxLineBytes;
    }

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, OutputReceiver<QuarantinedLine> out)
        throws IOException {
      read(parser, file, maxLineBytes, new LandingFileReader.Receiver<T>() {
        @Override
        public void record(T record) {}

        @Override
        public void rejected(QuarantinedLine line) {
          out.output(line);
        }
      });
    }
  }
}
