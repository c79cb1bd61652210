package org.stedi.lakehouse.landing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
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

  private ReadLanding(LandingParser<T> parser, Coder<T> coder, String filepattern, int maxLineBytes) {
    this.parser = parser;
    this.coder = coder;
    this.filepattern = filepattern;
    this.maxLineBytes = maxLineBytes;
  }

  /** Reads customer_landing lines. */
  public static ReadLanding<Customer> customers() {
    return new ReadLanding<>(LandingParser.customers(), Customer.Coder.of(), null, DEFAULT_MAX_LINE_BYTES);
  }

  /** Reads accelerometer_landing lines. */
  public static ReadLanding<AccelerometerReading> accelerometer() {
    return new ReadLanding<>(
        LandingParser.accelerometer(), AccelerometerReading.Coder.of(), null, DEFAULT_MAX_LINE_BYTES);
  }

  /** Reads step_trainer_landing lines. */
  public static ReadLanding<StepTrainerReading> stepTrainer() {
    return new ReadLanding<>(
        LandingParser.stepTrainer(), StepTrainerReading.Coder.of(), null, DEFAULT_MAX_LINE_BYTES);
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
    return new ReadLanding<>(parser, coder, filepattern, maxLineBytes);
  }

  /** The longest line that is parsed; longer lines are quarantined. Default 64 MiB. */
  public ReadLanding<T> withMaxLineBytes(int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
    }
    return new ReadLanding<>(parser, coder, filepattern, maxLineBytes);
  }

  @Override
  public LandingRecords<T> expand(PBegin input) {
    if (filepattern == null) {
      throw new IllegalStateException("ReadLanding needs the files to read: call from(filepattern)");
    }
    TupleTag<T> recordsTag = new TupleTag<>("records") {};
    TupleTag<QuarantinedLine> failuresTag = new TupleTag<>("quarantined") {};
    PCollectionTuple parsed =
        input
            .apply(
                "MatchLandingFiles",
                FileIO.match().filepattern(filepattern).withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("OpenLandingFiles", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
            .apply(
                "ParseLandingLines",
                ParDo.of(new ReadFileFn<>(parser, recordsTag, failuresTag, maxLineBytes))
                    .withOutputTags(recordsTag, TupleTagList.of(failuresTag)));
    parsed.get(recordsTag).setCoder(coder);
    parsed.get(failuresTag).setCoder(QuarantinedLine.Coder.of());
    return new LandingRecords<>(parsed, recordsTag, failuresTag);
  }

  /** Reads one landing file and routes each line to records or failures. */
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
      String source = parser.source().folder();
      this.lines = Metrics.counter(ReadLanding.class, source + "_lines");
      this.records = Metrics.counter(ReadLanding.class, source + "_records");
      this.quarantined = Metrics.counter(ReadLanding.class, source + "_quarantined");
    }

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, MultiOutputReceiver out) throws IOException {
      String name = file.getMetadata().resourceId().toString();
      Source source = parser.source();
      LineRouter router = new LineRouter(name, out);
      boolean gzip = name.endsWith(".gz");
      InputStream opened = Channels.newInputStream(file.open());
      try (InputStream stored = new StorageInputStream(opened);
          InputStream in = gzip ? new GzipMembersInputStream(stored) : stored) {
        new LineSplitter(maxLineBytes).split(in, router);
      } catch (StorageInputStream.StorageException e) {
        throw e.getCause();
      } catch (IOException e) {
        if (!gzip) {
          throw e;
        }
        long next = router.lastLineNumber + 1;
        // The unreadable rest counts as one line read and quarantined, so that the counts reconcile.
        lines.inc();
        quarantined.inc();
        out.get(failuresTag)
            .output(
                new QuarantinedLine(
                    source,
                    name,
                    next,
                    "",
                    "damaged gzip file: "
                        + e.getMessage()
                        + "; "
                        + router.lastLineNumber
                        + " lines were read before the damage, the rest of the file from line "
                        + next
                        + " on is unreadable"));
      }
    }

    /** Parses each line and sends it to the right output. */
    private final class LineRouter implements LineSplitter.LineHandler {
      private final String file;
      private final MultiOutputReceiver out;
      long lastLineNumber;

      LineRouter(String file, MultiOutputReceiver out) {
        this.file = file;
        this.out = out;
      }

      @Override
      public void line(long lineNumber, byte[] bytes, int offset, int length, boolean truncated) {
        lastLineNumber = lineNumber;
        if (!truncated && LineSplitter.isBlank(bytes, offset, length)) {
          return;
        }
        lines.inc();
        String reason;
        if (truncated) {
          reason = "line longer than the limit of " + maxLineBytes + " bytes; raw text holds its head";
        } else {
          try {
            T record = parser.parse(bytes, offset, length);
            records.inc();
            out.get(recordsTag).output(record);
            return;
          } catch (RejectedLineException e) {
            reason = e.reason();
          }
        }
        quarantined.inc();
        String raw = new String(bytes, offset, length, StandardCharsets.UTF_8);
        out.get(failuresTag).output(new QuarantinedLine(parser.source(), file, lineNumber, raw, reason));
      }
    }
  }
}
