package org.stedi.lakehouse.pipelines.run;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.Source;
import org.stedi.lakehouse.pipelines.AccelerometerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerLandingToTrusted;
import org.stedi.lakehouse.pipelines.CustomerTrustedToCurated;
import org.stedi.lakehouse.pipelines.MachineLearningCurated;
import org.stedi.lakehouse.pipelines.StepTrainerTrusted;
import org.stedi.lakehouse.pipelines.publish.LakeBusyException;
import org.stedi.lakehouse.pipelines.publish.LocalPublisher;
import org.stedi.lakehouse.pipelines.publish.ObjectStorePublisher;
import org.stedi.lakehouse.pipelines.publish.TablePublisher;
import org.stedi.lakehouse.pipelines.iceberg.IcebergReader;
import org.stedi.lakehouse.pipelines.iceberg.IcebergTables;
import org.stedi.lakehouse.pipelines.iceberg.LakeCatalog;
import org.stedi.lakehouse.transforms.GroupingOptions;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;

/**
 * Runs one {@link LakeJob} on a lake: locks the lake, stages the job's outputs out of readers'
 * sight, builds and runs the Beam pipeline, counts the rows of every staged table from its files'
 * Parquet footers (which also proves each file whole), checks that every table reconciles,
 * publishes the outputs (each table atomically), and writes the run report to {@code
 * <lake>/_reports/}.
 *
 * <p>If the pipeline fails, or its counts do not reconcile, nothing is published: every table stays
 * as the last successful run left it.
 */
public final class LakeRun {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A successful run: its id, report and Beam result. */
  public record Result(String runId, RunReport report, PipelineResult pipelineResult) {}

  private LakeRun() {}

  /**
   * Parses {@code args} into options of that type, the standard Beam options included, registering
   * the type so that {@code --help} lists its options.
   *
   * @throws UnknownOptionException when an argument names no option of the type
   * @throws IllegalArgumentException when a value is wrong for its option
   */
  public static <T extends RunOptions> T parseOptions(Class<T> type, String... args) {
    PipelineOptionsFactory.register(type);
    T options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(type);
    } catch (IllegalArgumentException e) {
      throw UnknownOptionException.of(e).orElseThrow(() -> e);
    }
    if (options.getPathStyleAccess()) {
      options.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
    }
    return options;
  }

  /**
   * The text with credentials masked: the secret and session token of an {@code
   * --awsCredentialsProvider} JSON, wherever they appear. Everything printed passes through it.
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    return text.replaceAll("(?i)(\"(secretAccessKey|sessionToken|secretKey)\"\\s*:\\s*\")[^\"]*(\")", "$1****$3")
        .replaceAll("(?i)(secretAccessKey|sessionToken)=[^,\\s}]+", "$1=****");
  }

  /**
   * Runs the job.
   *
   * @throws LakeException when the lake is missing or busy, an input table was never built, or the
   *     run failed; the tables are then unchanged
   */
  public static Result run(LakeJob job, RunOptions options) {
    Map<String, Object> settings = settings(job, options); // a wrong setting fails before the lake is touched
    Lake lake = Lake.of(options.getLake());
    if (lake.isLocal()) {
      // Beam registers its S3 file system whenever options are set, and without a region the AWS SDK
      // looks for one in the EC2 metadata service (HTTP requests, a second or more off EC2). A local lake
      // never reaches S3, so any region will do.
      options.setAwsRegion(Region.US_EAST_1);
    }
    FileSystems.setDefaultPipelineOptions(options);
    boolean iceberg = isIceberg(options);
    if (iceberg) {
      LakeCatalog.of(lake, options.getCatalog()); // a wrong --catalog fails before the lake is touched
      if (options.getKeepSnapshots() < 1) {
        throw new IllegalArgumentException("--keepSnapshots must be at least 1, got " + options.getKeepSnapshots());
      }
    }
    String runId = newRunId();
    checkLakeExists(lake, job);
    long landingBytes = DirectRunnerMemory.landingBytes(lake, job.landing());
    checkDirectRunnerMemory(lake, job, options, landingBytes);
    GroupingOptions grouping = options.as(GroupingOptions.class);
    sizeBuckets(grouping, landingBytes);
    settings.put("buckets", grouping.getBuckets());
    if (iceberg) {
      settings.put("keepSnapshots", options.getKeepSnapshots());
    }
    try (TablePublisher publisher = openPublisher(lake, runId, options);
        IcebergTables icebergTables =
            iceberg
                ? IcebergTables.open(
                    lake, options.getCatalog(), options.getAwsRegion() == null ? null : options.getAwsRegion().id())
                : null) {
      if (iceberg) {
        settings.put("catalog", icebergTables.catalog().describe());
      }
      checkOneFormat(lake, job, publisher, iceberg);
      Map<String, String> reads = new HashMap<>();
      Map<String, List<String>> readFiles = new HashMap<>();
      for (LakeJob.Input input : job.inputs()) {
        LakeTable table = input.table();
        if (iceberg) {
          if (icebergTables.find(table).map(t -> t.currentSnapshot() == null).orElse(true)) {
            throw notBuilt(lake, input);
          }
          readFiles.put(table.path(), icebergTables.currentFiles(table));
        } else {
          reads.put(table.path(), publisher.publishedLocation(table.path()).orElseThrow(() -> notBuilt(lake, input)));
        }
      }
      Map<String, String> staging = new HashMap<>();
      List<String> published = new ArrayList<>();
      for (String output : job.outputPaths()) {
        Optional<LakeTable> table = iceberg ? tableAt(job, output) : Optional.empty();
        if (table.isPresent()) {
          staging.put(output, icebergTables.dataFolder(table.get(), runId));
        } else {
          staging.put(output, publisher.stage(output));
          published.add(output);
        }
      }

      Pipeline pipeline = Pipeline.create(options);
      LakeIO io = new LakeIO(lake, runId, reads, staging, options.getFilesPerPartition()).withReadFiles(readFiles);
      job.graph().build(pipeline, io);
      io.writeAll();
      Instant started = Instant.now();
      PipelineResult result = runToCompletion(job, lake, options, pipeline);
      Duration duration = Duration.between(started, Instant.now());
      Map<LakeTable, Long> written = new HashMap<>();
      for (LakeTable table : job.outputs()) {
        written.put(table, TableFiles.footerRows(staging.get(table.path()), table));
      }
      RunReport report =
          RunReport.of(
              job,
              runId,
              lake,
              options.getRunner().getSimpleName(),
              settings,
              started,
              duration,
              result.metrics(),
              Tallies.read(LakeIO.talliesLocation(lake, runId)),
              written);
      if (!report.reconciled()) {
        throw new LakeException(
            job.name() + " run " + runId + " did not reconcile, so nothing was published:\n" + report.toText());
      }
      try {
        publisher.publish(published);
      } catch (UncheckedIOException e) {
        throw new LakeException(
            job.name()
                + " could not publish run "
                + runId
                + ": "
                + redact(cause(e, options))
                + (lake.isLocal()
                    ? "; every table is whole (as the last run or as this run wrote it), and the next run on the lake "
                    : "; a table being switched may show files of both runs until the next run on the lake ")
                + lake
                + " completes the publish",
            e);
      }
      if (iceberg) {
        report = report.withSnapshots(commit(job, runId, icebergTables, options));
      }
      try {
        writeReport(lake, report);
      } catch (UncheckedIOException e) {
        throw new LakeException("run " + runId + " published its tables, but " + oneLine(e.getMessage()), e);
      }
      return new Result(runId, report, result);
    } catch (LakeBusyException e) {
      throw new LakeException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      // Opening the lake or staging an output failed: nothing was written where readers look.
      throw new LakeException(job.name() + ": " + oneLine(e.getMessage()) + "; the tables are unchanged", e);
    }
  }

  private static LakeException notBuilt(Lake lake, LakeJob.Input input) {
    return new LakeException(
        input.table().tableName()
            + " has not been built in the lake "
            + lake
            + " yet: run "
            + input.builtBy().name()
            + " first, or the whole lake with `lakehouse`");
  }

  /** Whether the run writes Iceberg tables; a value other than parquet or iceberg is refused. */
  static boolean isIceberg(RunOptions options) {
    return switch (options.getTableFormat()) {
      case "parquet" -> false;
      case "iceberg" -> true;
      default -> throw new IllegalArgumentException(
          "--tableFormat takes parquet or iceberg, not " + options.getTableFormat());
    };
  }

  private static Optional<LakeTable> tableAt(LakeJob job, String path) {
    return job.outputs().stream().filter(table -> table.path().equals(path)).findFirst();
  }

  /**
   * A lake keeps its tables in one format: a Parquet-format run refuses a table folder that holds an
   * Iceberg table, and an Iceberg run one that holds a published Parquet table, rather than leave
   * readers of either format looking at the other's files.
   */
  private static void checkOneFormat(Lake lake, LakeJob job, TablePublisher publisher, boolean iceberg) {
    for (LakeTable table : job.outputs()) {
      if (iceberg && isParquetFormat(lake, publisher, table)) {
        throw new LakeException(
            table.tableName() + " in the lake " + lake + " is a Parquet-format table (" + table.path()
                + "); a lake holds its tables in one format: run with --tableFormat=parquet, or remove the lake's "
                + "trusted and curated tables first");
      }
      if (!iceberg && IcebergReader.isIcebergTable(lake, table)) {
        throw new LakeException(
            table.tableName() + " in the lake " + lake + " is an Iceberg table (" + table.path()
                + "/metadata); a lake holds its tables in one format: run with --tableFormat=iceberg");
      }
    }
  }

  /**
   * Whether a table was published in the Parquet format: on a local lake its folder is the
   * publisher's link to a version, on S3 the publisher's record of it exists. An Iceberg table's
   * folder is a plain folder (local) with no such record (S3).
   */
  private static boolean isParquetFormat(Lake lake, TablePublisher publisher, LakeTable table) {
    return lake.isLocal()
        ? Files.isSymbolicLink(lake.localRoot().resolve(table.path()))
        : publisher.publishedLocation(table.path()).isPresent();
  }

  /** Commits each output table's staged files as its new Iceberg snapshot, in the order of the report. */
  private static List<RunReport.Snapshot> commit(LakeJob job, String runId, IcebergTables tables, RunOptions options) {
    List<RunReport.Snapshot> snapshots = new ArrayList<>();
    for (LakeTable table : job.outputs()) {
      IcebergTables.Committed c;
      long started = System.nanoTime();
      try {
        c = tables.commit(table, runId, options.getKeepSnapshots());
      } catch (RuntimeException e) {
        throw new LakeException(
            job.name() + " run " + runId + " could not commit " + table.tableName() + " to the Iceberg catalog "
                + tables.catalog().describe() + ": " + redact(rootMessage(e))
                + (snapshots.isEmpty() ? "" : "; committed before it: "
                    + String.join(", ", snapshots.stream().map(RunReport.Snapshot::table).toList()))
                + "; the tables not committed keep their last snapshot, and a run again replaces them all",
            e);
      }
      snapshots.add(
          new RunReport.Snapshot(
              table.tableName(), c.snapshotId(), Instant.ofEpochMilli(c.timestampMillis()).toString(), c.files(),
              c.expired(), c.orphansRemoved(), (System.nanoTime() - started) / 1_000_000));
    }
    return snapshots;
  }

  private static PipelineResult runToCompletion(LakeJob job, Lake lake, RunOptions options, Pipeline pipeline) {
    PipelineResult result;
    PipelineResult.State state;
    try {
      result = pipeline.run();
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      throw new LakeException(
          job.name() + " failed on the lake " + lake + ": " + redact(cause(e, options)) + freeSpace(lake, e) + "; the tables are unchanged",
          e);
    }
    if (state != PipelineResult.State.DONE) {
      throw new LakeException(job.name() + " ended in state " + state + "; the tables are unchanged");
    }
    return result;
  }

  private static TablePublisher openPublisher(Lake lake, String runId, RunOptions options) {
    if (lake.isLocal()) {
      return LocalPublisher.open(lake.localRoot(), runId);
    }
    if (options.getLockLeaseSeconds() < 1) {
      throw new IllegalArgumentException("--lockLeaseSeconds must be at least 1, got " + options.getLockLeaseSeconds());
    }
    return ObjectStorePublisher.open(lake.root(), runId, Duration.ofSeconds(options.getLockLeaseSeconds()));
  }

  private static void checkLakeExists(Lake lake, LakeJob job) {
    if (!lake.isLocal()) {
      checkReachable(lake);
      return;
    }
    if (!Files.isDirectory(lake.localRoot())) {
      throw new LakeException(
          "the lake folder "
              + lake
              + " does not exist: create it with landing data, or generate sample data with `generate --lake="
              + lake
              + "`");
    }
    for (Source source : job.landing()) {
      if (!Files.isDirectory(lake.localRoot().resolve(source.folder()).resolve("landing"))) {
        throw new LakeException(
            "the lake "
                + lake
                + " has no "
                + source.folder()
                + "/landing folder: put the "
                + source.folder()
                + " landing JSON files there");
      }
    }
  }

  /** On the DirectRunner, refuses a lake whose landing data the heap cannot hold (unless told not to check). */
  private static void checkDirectRunnerMemory(Lake lake, LakeJob job, RunOptions options, long landing) {
    if (!"DirectRunner".equals(options.getRunner().getSimpleName()) || !options.getDirectRunnerMemoryCheck()) {
      return;
    }
    DirectRunnerMemory.refusal(lake, job.name(), landing, Runtime.getRuntime().maxMemory())
        .ifPresent(
            refusal -> {
              throw new LakeException(refusal);
            });
  }

  /** Bytes of landing JSON per line, about (generated lakes: 97 at every scale). */
  static final long LANDING_BYTES_PER_LINE = 100;

  /**
   * Sets {@code --buckets}, unless given, from the size of the run's landing data: about {@code
   * --elementsPerBucket} landing lines per bucket, and at least two buckets per processor. Every
   * grouping of the run then uses that many buckets without counting its input first (a pass over
   * the data and a side input per grouping). The landing lines bound the size of every grouping:
   * each one groups readings, customers or devices derived from them.
   */
  static void sizeBuckets(GroupingOptions options, long landingBytes) {
    if (options.getBuckets() != null) {
      return;
    }
    options.setBuckets(bucketsFor(landingBytes, options.getElementsPerBucket(), Runtime.getRuntime().availableProcessors()));
  }

  static int bucketsFor(long landingBytes, long elementsPerBucket, int processors) {
    if (elementsPerBucket < 1) {
      throw new IllegalArgumentException("--elementsPerBucket must be at least 1, got " + elementsPerBucket);
    }
    long lines = (landingBytes + LANDING_BYTES_PER_LINE - 1) / LANDING_BYTES_PER_LINE;
    long bySize = (lines + elementsPerBucket - 1) / elementsPerBucket;
    return (int) Math.min(1 << 20, Math.max(2L * processors, bySize));
  }

  /** Lists the lake once, so that a wrong bucket, endpoint or credential fails fast and clearly. */
  public static void checkReachable(Lake lake) {
    try {
      MatchResult listing = FileSystems.match(lake.root() + "/*", EmptyMatchTreatment.ALLOW);
      if (listing.status() == MatchResult.Status.ERROR) {
        listing.metadata(); // throws the listing's error
      }
    } catch (IOException | RuntimeException e) {
      throw new LakeException(
          "cannot read the lake "
              + lake
              + ": "
              + redact(rootMessage(e))
              + "; check the bucket name, --awsRegion, --endpoint (and --pathStyleAccess for S3-compatible "
              + "servers) and the credentials (--awsCredentialsProvider or the AWS default credentials chain)",
          e);
    }
  }

  /** The job's settings and the run's, as the report echoes them. */
  private static Map<String, Object> settings(LakeJob job, RunOptions options) {
    Map<String, Object> settings = new LinkedHashMap<>(job.settings().of(options));
    settings.put("filesPerPartition", options.getFilesPerPartition());
    return settings;
  }

  private static void writeReport(Lake lake, RunReport report) {
    String location = lake.reports() + "/" + report.runId() + "-" + report.pipeline() + ".json";
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(location, false), MimeTypes.TEXT))) {
      out.write(report.toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run report " + location + ": " + e.getMessage(), e);
    }
  }

  static String newRunId() {
    return RUN_ID_TIME.format(Instant.now())
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
  }

  /**
   * What made a run fail, in one line: for S3, where S3 was and the AWS SDK's own account of the
   * request that failed last, else the innermost cause.
   */
  private static String cause(Throwable e, RunOptions options) {
    String where = options.getEndpoint() != null ? "S3 at " + options.getEndpoint() : "S3 in " + options.getAwsRegion();
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SdkClientException) {
        return where + " could not be reached: " + oneLine(cause.getMessage());
      }
      if (cause instanceof SdkServiceException) {
        return where + " refused a request: " + oneLine(cause.getMessage());
      }
    }
    return rootMessage(e);
  }

  /**
   * For a local lake whose run failed on an I/O error that names no file (a full disk reports only
   * "No space left on device"), the space left on the lake's file system; else nothing.
   */
  private static String freeSpace(Lake lake, Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (!lake.isLocal() || !(cause instanceof IOException) || cause instanceof FileSystemException) {
      return "";
    }
    try {
      long free = Files.getFileStore(lake.localRoot()).getUsableSpace();
      return " (" + (free < 10L << 20 ? (free >> 10) + " KiB" : (free >> 20) + " MiB") + " free on the lake's file system)";
    } catch (IOException unknown) {
      return "";
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /** The innermost cause of a failure: its type and the first line of its message. */
  public static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
