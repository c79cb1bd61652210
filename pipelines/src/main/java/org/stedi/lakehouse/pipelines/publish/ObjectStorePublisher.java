package org.stedi.lakehouse.pipelines.publish;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.stedi.lakehouse.model.HiddenNames;

/**
 * Publishing on an object store (S3), which has no rename and no links, through Beam's file
 * systems: copies and deletes only.
 *
 * <p>Layout: a run writes each table under {@code <source>/_staging/<zone>/<runId>/}, hidden from
 * readers. The table folder {@code <source>/<zone>/} holds the published files, each named after
 * the run that wrote it ({@code dt=2022-06-18/part-<runId>-00000-of-00002.parquet}), and
 * {@code _tables/<source>.<zone>} records which run a table holds (so that an empty table is still
 * known to be built).
 *
 * <p>Publishing a run: (1) a journal {@code _publishing/<runId>} lists, per table, every copy from
 * staging to the table folder and every file of the previous run to delete; (2) the new files are
 * copied in, server side; (3) the previous run's files are deleted, in batches; (4) the table record
 * is written, then the journal and the staging files are deleted.
 *
 * <p>What a reader sees: before step 2 and after step 3, a whole table (old, then new). During steps
 * 2 and 3 (for S3, typically a few seconds: one server-side copy per file, one request per thousand
 * deletes) the table folder holds files of both runs, and a reader that lists it then reads a mix;
 * S3 offers no way to switch a folder of objects atomically. A run that fails or is killed before
 * step 1 leaves the tables untouched (its staging files are removed by the next run). A run killed
 * during steps 1 to 4 leaves the journal, and the next run on the lake first completes it (copies
 * whatever is missing, deletes what is left of the previous run), so the mix never outlives the next
 * command.
 *
 * <p>One run at a time: the publisher holds the lake's {@link ObjectStoreLock} (an entry under
 * {@code _lake.lock/}, renewed under a lease) from {@link #open} to {@link #close}, and checks that
 * it still holds it before it writes a journal.
 */
public final class ObjectStorePublisher implements TablePublisher {
  /** The default lease of the lake's lock, in seconds (see {@link ObjectStoreLock}). */
  public static final int DEFAULT_LEASE_SECONDS = 120;

  static final String STAGING = "_staging";
  static final String JOURNALS = "_publishing";
  static final String TABLE_RECORDS = "_tables";
  private static final TypeReference<List<TableSwitch>> JOURNAL = new TypeReference<>() {};

  private final String root;
  private final String runId;
  private final ObjectStoreLock lock;

  private ObjectStorePublisher(String root, String runId, ObjectStoreLock lock) {
    this.root = root;
    this.runId = runId;
    this.lock = lock;
  }

  /** {@link #open(String, String, Duration)} with the default lease. */
  public static ObjectStorePublisher open(String root, String runId) {
    return open(root, runId, Duration.ofSeconds(DEFAULT_LEASE_SECONDS));
  }

  /**
   * Opens the lake at {@code root} (for example {@code s3://bucket/prefix}) for the run {@code
   * runId}: takes the lake's lock under the given lease, completes interrupted publishes and removes
   * the staging files of failed runs.
   *
   * @throws LakeBusyException if another live run holds the lake's lock
   */
  public static ObjectStorePublisher open(String root, String runId, Duration lease) {
    return open(root, runId, lease, ObjectStoreLock.clockOfRuns);
  }

  /**
   * {@link #open(String, String, Duration)}, judging whether other runs' lock entries have lapsed
   * by {@code clock}.
   */
  static ObjectStorePublisher open(String root, String runId, Duration lease, StoreClock clock) {
    ObjectStoreLock lock;
    try {
      lock = ObjectStoreLock.acquire(root, runId, lease, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the lake " + root + ": " + e.getMessage(), e);
    }
    ObjectStorePublisher publisher = new ObjectStorePublisher(root, runId, lock);
    try {
      publisher.completeInterruptedPublishes();
      publisher.removeAbandonedStaging();
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException("cannot open the lake " + root + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    return publisher;
  }

  @Override
  public Optional<String> publishedLocation(String tablePath) {
    return publishedLocation(root, tablePath);
  }

  /** The folder of a published table of the lake at {@code root}, or empty if it was never built. */
  public static Optional<String> publishedLocation(String root, String tablePath) {
    String record = new ObjectStorePublisher(root, "", null).tableRecord(tablePath);
    try {
      return exists(record) ? Optional.of(root + "/" + tablePath) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + record + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String stage(String tablePath) {
    return staging(tablePath, runId);
  }

  @Override
  public void publish(Collection<String> tablePaths) {
    try {
      List<TableSwitch> switches = new ArrayList<>();
      for (String path : tablePaths) {
        switches.add(plan(path));
      }
      String journal = root + "/" + JOURNALS + "/" + runId;
      lock.checkHeld();
      write(journal, toJson(switches));
      apply(switches);
      delete(List.of(journal));
      delete(list(root + "/" + TEMPORARY + "/" + runId));
    } catch (IOException e) {
      throw new UncheckedIOException("publishing run " + runId + " failed: " + e.getMessage(), e);
    }
  }

  /** Releases the lake's lock. */
  @Override
  public void close() {
    lock.close();
  }

  /** The copies and deletes that make the staged version of a table current. */
  private TableSwitch plan(String tablePath) throws IOException {
    String staged = staging(tablePath, runId);
    String table = root + "/" + tablePath;
    List<String> sources = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (String file : list(staged)) {
      String relative = file.substring(staged.length() + 1);
      if (HiddenNames.hasHiddenName(relative)) {
        continue;
      }
      sources.add(file);
      targets.add(table + "/" + runUnique(relative));
    }
    Set<String> incoming = new HashSet<>(targets);
    List<String> previous = new ArrayList<>();
    for (String file : list(table)) {
      if (!incoming.contains(file) && !HiddenNames.hasHiddenName(file.substring(table.length() + 1))) {
        previous.add(file);
      }
    }
    return new TableSwitch(tablePath, sources, targets, previous);
  }

  private void apply(List<TableSwitch> switches) throws IOException {
    for (TableSwitch change : switches) {
      List<String> sources = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < change.sources().size(); i++) {
        if (exists(change.sources().get(i))) {
          sources.add(change.sources().get(i));
          targets.add(change.targets().get(i));
        }
      }
      if (!sources.isEmpty()) {
        FileSystems.copy(resources(sources), resources(targets));
      }
      delete(change.previous());
      write(tableRecord(change.tablePath()), toJson(new TableRecord(runId)));
      delete(change.sources());
    }
  }

  private void completeInterruptedPublishes() throws IOException {
    List<String> journals = list(root + "/" + JOURNALS);
    journals.sort(Comparator.naturalOrder());
    for (String journal : journals) {
      List<TableSwitch> switches = fromJson(journal, read(journal));
      new ObjectStorePublisher(root, journal.substring(journal.lastIndexOf('/') + 1), lock).apply(switches);
      delete(List.of(journal));
    }
  }

  private void removeAbandonedStaging() throws IOException {
    List<String> abandoned = new ArrayList<>();
    abandoned.addAll(list(root + "/*/" + STAGING));
    abandoned.addAll(list(root + "/" + TEMPORARY));
    delete(abandoned);
  }

  /** {@code dt=X/part-00000-of-00002.parquet} → {@code dt=X/part-<runId>-00000-of-00002.parquet}. */
  private String runUnique(String relative) {
    int slash = relative.lastIndexOf('/');
    String folder = relative.substring(0, slash + 1);
    String name = relative.substring(slash + 1);
    return name.startsWith("part-") ? folder + "part-" + runId + "-" + name.substring("part-".length()) : folder + runId + "-" + name;
  }

  private String staging(String tablePath, String run) {
    int slash = tablePath.lastIndexOf('/');
    return root + "/" + tablePath.substring(0, slash) + "/" + STAGING + "/" + tablePath.substring(slash + 1) + "/" + run;
  }

  private String tableRecord(String tablePath) {
    return root + "/" + TABLE_RECORDS + "/" + tablePath.replace('/', '.');
  }



  private static List<String> list(String folder) throws IOException {
    MatchResult match = FileSystems.match(folder + "/**", EmptyMatchTreatment.ALLOW);
    List<String> files = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata metadata : match.metadata()) {
        String file = metadata.resourceId().toString();
        if (!file.endsWith("/")) { // a folder marker, not an object of a table
          files.add(file);
        }
      }
    }
    return files;
  }

  private static boolean exists(String file) throws IOException {
    MatchResult match = FileSystems.match(file, EmptyMatchTreatment.ALLOW);
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }

  private static void delete(List<String> files) throws IOException {
    if (!files.isEmpty()) {
      FileSystems.delete(resources(files), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
  }

  private static List<ResourceId> resources(List<String> files) {
    List<ResourceId> ids = new ArrayList<>(files.size());
    for (String file : files) {
      ids.add(FileSystems.matchNewResource(file, false));
    }
    return ids;
  }

  private static void write(String file, byte[] content) throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(file, false), MimeTypes.TEXT))) {
      out.write(content);
    }
  }

  private static byte[] read(String file) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      return new byte[0];
    }
  }

  /**
   * The switch of one table: copies (source to target, in order) and the files to delete. A journal
   * is a JSON array of them, each {@code {"table":…,"sources":[…],"targets":[…],"previous":[…]}}:
   * the fields that earlier versions write and read; fields this one does not know are ignored.
   */
  @JsonPropertyOrder({"table", "sources", "targets", "previous"})
  record TableSwitch(
      @JsonProperty("table") String tablePath, List<String> sources, List<String> targets, List<String> previous) {}

  /** What {@code _tables/<source>.<zone>} records: the run whose files the table holds. */
  record TableRecord(String run) {}

  static byte[] toJson(List<TableSwitch> switches) throws IOException {
    return PublishJson.MAPPER.writeValueAsBytes(switches);
  }

  private static byte[] toJson(TableRecord record) throws IOException {
    byte[] json = PublishJson.MAPPER.writeValueAsBytes(record);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }

  /**
   * The switches of the journal {@code journal}, whose content is {@code json} (empty: a journal
   * with nothing to do). A missing list is an empty one, as earlier versions read it.
   *
   * @throws IOException that names the journal and says what is wrong, if it is not a journal
   */
  static List<TableSwitch> fromJson(String journal, byte[] json) throws IOException {
    if (json.length == 0) {
      return new ArrayList<>();
    }
    List<TableSwitch> stored;
    try {
      stored = PublishJson.MAPPER.readValue(json, JOURNAL);
    } catch (JsonProcessingException e) {
      throw new IOException("corrupt publish journal " + journal + ": " + PublishJson.problem(e, "a list of tables"), e);
    }
    if (stored == null) {
      throw new IOException("corrupt publish journal " + journal + ": null instead of a list of tables");
    }
    List<TableSwitch> switches = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      TableSwitch change = stored.get(i);
      String where = "corrupt publish journal " + journal + ": table " + (i + 1) + " of " + stored.size();
      if (change == null || change.tablePath() == null) {
        throw new IOException(where + " has no \"table\"");
      }
      where = where + " (" + change.tablePath() + ")";
      List<String> sources = orEmpty(change.sources(), where, "sources");
      List<String> targets = orEmpty(change.targets(), where, "targets");
      List<String> previous = orEmpty(change.previous(), where, "previous");
      if (sources.size() != targets.size()) {
        throw new IOException(where + " has " + sources.size() + " sources but " + targets.size() + " targets");
      }
      switches.add(new TableSwitch(change.tablePath(), sources, targets, previous));
    }
    return switches;
  }

  private static List<String> orEmpty(List<String> files, String where, String field) throws IOException {
    if (files == null) {
      return List.of();
    }
    if (files.contains(null)) {
      throw new IOException(where + " has null among its \"" + field + "\"");
    }
    return files;
  }
}
