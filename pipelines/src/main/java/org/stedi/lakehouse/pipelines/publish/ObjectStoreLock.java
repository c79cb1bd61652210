package org.stedi.lakehouse.pipelines.publish;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock of a lake on an object store (S3): one run on the lake at a time, held under a lease so
 * that a run that died cannot block the lake for longer than its lease.
 *
 * <p>Protocol. A run that wants the lake writes its own entry, {@code <lake>/_lake.lock/<runId>}
 * (its run id, host, process and start time), then lists {@code _lake.lock/}. If the listing shows
 * no other live entry, the run holds the lock and marks its entry as holding. Otherwise it deletes
 * its entry and is refused with {@link LakeBusyException}, or, if the other entries belong to runs
 * that are themselves still starting, tries again after a short random pause. Two runs never both
 * hold the lock: of two runs that each write their entry and then list, the one that lists second
 * sees the other's entry, because object stores such as S3 list a written object at once (strong
 * read-after-write consistency, which S3 has given since December 2020). The lock is released by
 * deleting the entry.
 *
 * <p>Lease. While it holds the lock, a run rewrites its entry every quarter of its lease. An entry
 * that was not rewritten for longer than the lease it records belongs to a run that died (killed,
 * or stopped with the store unreachable), and the next run deletes it. Ages are differences between
 * the store's own last-modified times, so the clocks of the machines involved do not matter (see
 * {@link StoreClock}). An entry that cannot be read counts as holding until it lapses. A run
 * that finds its entry gone (another run judged it dead) stops renewing it and publishes nothing.
 * The lease must be longer than any pause of a live run (a long garbage collection, a suspended
 * machine); {@code --lockLeaseSeconds} sets it.
 *
 * <p>Why not a conditional write ({@code PUT} with {@code If-None-Match: *}, which AWS S3 honours
 * since 2024): S3-compatible servers do not all honour it, and some accept the header and ignore it
 * (S3Proxy 2.6.0, the server the tests run against, answers both of two such {@code PUT}s with 200),
 * so a lock built on it would silently let two runs in. The listing protocol needs only plain
 * writes, listings and deletes.
 */
public final class ObjectStoreLock implements AutoCloseable {
  /** The folder of lock entries, under the lake root. */
  public static final String FOLDER = "_lake.lock";

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreLock.class);
  private static final int ATTEMPTS = 10;
  // The two states have names of one length, so that rewriting an entry never changes its size.
  private static final String WAITING = "waiting";
  private static final String HOLDING = "holding";

  /**
   * The clock of the locks taken with {@link #acquire(String, String, Duration)} in this process:
   * {@link StoreClock#STORE}, unless a test of runs started through the command line swaps it.
   */
  static volatile StoreClock clockOfRuns = StoreClock.STORE;

  private final String root;
  private final String entry;
  private final Holder self;
  private final StoreClock clock;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost;

  /**
   * What an entry records: whose it is, since when, its lease, and whether it holds the lock; or,
   * for an entry that cannot be read, why ({@code unreadable}, otherwise null).
   */
  record Holder(
      String run, String host, String process, Instant since, Duration lease, boolean holding, String unreadable) {
    Holder(String run, String host, String process, Instant since, Duration lease, boolean holding) {
      this(run, host, process, since, lease, holding, null);
    }

    /** The holder of an entry that cannot be read: it holds the lock until it lapses under {@code lease}. */
    static Holder unreadable(String run, Duration lease, String why) {
      return new Holder(run, "?", "?", Instant.EPOCH, lease, true, why);
    }

    String describe() {
      return unreadable != null
          ? "run " + run + ", whose lock entry cannot be read: " + unreadable
          : "run " + run + " on " + host + ", process " + process + ", since " + since;
    }
  }

  /**
   * A lock entry as stored, for example {@code {"run":"20240601-…","host":"etl-1","process":"4242",
   * "since":"2024-06-01T08:00:00.123Z","leaseMillis":120000,"state":"holding"}}: the fields, in the
   * order, that earlier versions write and read; fields this one does not know are ignored.
   */
  @JsonPropertyOrder({"run", "host", "process", "since", "leaseMillis", "state"})
  record Entry(String run, String host, String process, String since, Long leaseMillis, String state) {}

  private ObjectStoreLock(String root, Holder self, StoreClock clock) {
    this.root = root;
    this.entry = root + "/" + FOLDER + "/" + self.run();
    this.self = self;
    this.clock = clock;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "lake-lock-heartbeat-" + self.run());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Takes the lock of the lake at {@code root} for the run {@code runId}, and renews it until
   * {@link #close()}.
   *
   * @throws LakeBusyException if another live run holds it
   */
  public static ObjectStoreLock acquire(String root, String runId, Duration lease) throws IOException {
    return acquire(root, runId, lease, clockOfRuns);
  }

  /**
   * {@link #acquire(String, String, Duration)}, judging the age of other runs' entries by {@code
   * clock}.
   */
  static ObjectStoreLock acquire(String root, String runId, Duration lease, StoreClock clock) throws IOException {
    if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the lock lease must be at least one second, got " + lease);
    }
    Holder self = new Holder(runId, hostName(), String.valueOf(ProcessHandle.current().pid()), Instant.now(), lease, false);
    ObjectStoreLock lock = new ObjectStoreLock(root, self, clock);
    lock.take();
    long period = Math.max(lease.toMillis() / 4, 200);
    lock.heartbeat.scheduleWithFixedDelay(lock::renew, period, period, TimeUnit.MILLISECONDS);
    return lock;
  }

  private void take() throws IOException {
    Holder starting = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      write(entry, toJson(self));
      List<MatchResult.Metadata> entries = listEntries();
      long written = -1;
      for (MatchResult.Metadata metadata : entries) {
        if (metadata.resourceId().toString().equals(entry)) {
          written = metadata.lastModifiedMillis();
        }
      }
      if (written < 0) {
        delete(entry);
        throw new IOException(
            "the lock entry " + entry + " was written but not listed: the store's listings lag behind its writes");
      }
      long storeNow = clock.nowMillis(written);
      Holder holding = null;
      starting = null;
      List<String> dead = new ArrayList<>();
      for (MatchResult.Metadata metadata : entries) {
        String other = metadata.resourceId().toString();
        if (other.equals(entry)) {
          continue;
        }
        Holder holder = read(other, self.lease());
        if (metadata.lastModifiedMillis() > 0 && storeNow - metadata.lastModifiedMillis() > holder.lease().toMillis()) {
          dead.add(other);
        } else if (!holder.holding()) {
          starting = holder;
        } else {
          holding = holder;
        }
      }
      for (String other : dead) {
        LOG.warn("Removing the lock entry {} of a run that stopped renewing it for longer than its lease", other);
        delete(other);
      }
      if (holding == null && starting == null) {
        write(entry, toJson(holding(self)));
        return;
      }
      delete(entry);
      if (holding != null) {
        throw busy(holding);
      }
      // Runs that started together all back off; a random wait that grows with every attempt spreads
      // them out, so that one of them soon finds the lake free.
      sleep((100 + ThreadLocalRandom.current().nextInt(500)) * (attempt + 1L));
    }
    throw busy(starting);
  }

  private LakeBusyException busy(Holder holder) {
    return new LakeBusyException(
        "another run is using the lake "
            + root
            + " ("
            + holder.describe()
            + ", lock "
            + root
            + "/"
            + FOLDER
            + "/"
            + holder.run()
            + "); wait for it to finish, then run again (if that run died, its lock lapses "
            + holder.lease().toSeconds()
            + " s after its last renewal)");
  }

  /** Rewrites the entry, unless another run removed it (then the lock is lost). */
  private void renew() {
    if (lost != null) {
      return;
    }
    try {
      if (!exists(entry)) {
        lost = "its lock entry " + entry + " was removed by another run, which judged it dead";
        LOG.error("Run {} lost the lock of the lake {}: {}", self.run(), root, lost);
        return;
      }
      write(entry, toJson(holding(self)));
    } catch (IOException | RuntimeException e) {
      // The store is unreachable: the run fails on it too; the entry lapses with its lease.
      LOG.warn("Could not renew the lock entry {}: {}", entry, e.getMessage());
    }
  }

  /**
   * Checks that this run still holds the lock, before it changes what readers see.
   *
   * @throws LakeBusyException if another run took the lock over
   */
  public void checkHeld() throws IOException {
    if (lost == null && !exists(entry)) {
      lost = "its lock entry " + entry + " is gone";
    }
    if (lost != null) {
      throw new LakeBusyException(
          "run " + self.run() + " no longer holds the lock of the lake " + root + " (" + lost
              + "), so it publishes nothing; run again, and give a longer --lockLeaseSeconds if runs pause for long");
    }
  }

  /**
   * Stops renewing the lock and releases it. If the store cannot be reached, the entry stays and
   * lapses with its lease.
   */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lost != null) {
      return;
    }
    try {
      delete(entry);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "Could not release the lock {} ({}); it lapses {} s after its last renewal",
          entry,
          e.getMessage(),
          self.lease().toSeconds());
    }
  }

  private List<MatchResult.Metadata> listEntries() throws IOException {
    MatchResult match = FileSystems.match(root + "/" + FOLDER + "/*", EmptyMatchTreatment.ALLOW);
    List<MatchResult.Metadata> entries = new ArrayList<>();
    if (match.status() == MatchResult.Status.OK) {
      for (MatchResult.Metadata metadata : match.metadata()) {
        if (!metadata.resourceId().toString().endsWith("/")) {
          entries.add(metadata);
        }
      }
    }
    return entries;
  }

  private static Holder holding(Holder holder) {
    return new Holder(holder.run(), holder.host(), holder.process(), holder.since(), holder.lease(), true);
  }

  /**
   * The holder of an entry; for an entry that cannot be read (gone, caught mid-write, or not an
   * entry), {@link Holder#unreadable} under {@code lease}.
   */
  private static Holder read(String file, Duration lease) {
    String run = file.substring(file.lastIndexOf('/') + 1);
    byte[] content;
    try {
      content = readSmall(file);
    } catch (IOException | RuntimeException e) {
      return Holder.unreadable(run, lease, "reading it failed: " + e.getMessage());
    }
    if (content == null) {
      return Holder.unreadable(run, lease, "it is gone, larger than 64 KiB or being rewritten");
    }
    try {
      return fromJson(content);
    } catch (IOException e) {
      return Holder.unreadable(run, lease, e.getMessage());
    }
  }

  static byte[] toJson(Holder holder) throws IOException {
    return PublishJson.MAPPER.writeValueAsBytes(
        new Entry(
            holder.run(),
            holder.host(),
            holder.process(),
            holder.since().toString(),
            holder.lease().toMillis(),
            holder.holding() ? HOLDING : WAITING));
  }

  /**
   * The holder that an entry records; {@code host}, {@code process} and {@code since} may be
   * missing.
   *
   * @throws IOException that says what is wrong, if the content is not an entry
   */
  static Holder fromJson(byte[] content) throws IOException {
    Entry stored;
    try {
      stored = PublishJson.MAPPER.readValue(content, Entry.class);
    } catch (JsonProcessingException e) {
      throw new IOException("not a lock entry: " + PublishJson.problem(e, "an object"), e);
    }
    if (stored == null) {
      throw new IOException("not a lock entry: null instead of an object");
    }
    if (stored.run() == null || stored.leaseMillis() == null) {
      throw new IOException("not a lock entry: it has no \"" + (stored.run() == null ? "run" : "leaseMillis") + "\"");
    }
    Instant since;
    try {
      since = stored.since() == null ? Instant.EPOCH : Instant.parse(stored.since());
    } catch (DateTimeParseException e) {
      throw new IOException("not a lock entry: \"since\" is not an instant: " + stored.since(), e);
    }
    return new Holder(
        stored.run(),
        stored.host() == null ? "?" : stored.host(),
        stored.process() == null ? "?" : stored.process(),
        since,
        Duration.ofMillis(stored.leaseMillis()),
        HOLDING.equals(stored.state()));
  }

  /**
   * The content of a small object, or null if it is larger than 64 KiB or stops short of the size
   * the store announced (Beam's S3 channel then reads 0 bytes forever: an object rewritten with
   * another size between the size request and the read).
   */
  private static byte[] readSmall(String file) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    try (ReadableByteChannel channel = FileSystems.open(FileSystems.matchNewResource(file, false))) {
      int idle = 0;
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer);
        if (read < 0) {
          break;
        }
        if (read == 0 && ++idle > 100) {
          return null;
        }
        if (read > 0) {
          idle = 0;
        }
      }
      if (!buffer.hasRemaining()) {
        return null;
      }
    } catch (FileNotFoundException e) {
      return null;
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static void write(String file, byte[] content) throws IOException {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(FileSystems.matchNewResource(file, false), MimeTypes.TEXT))) {
      out.write(content);
    }
  }

  private static boolean exists(String file) throws IOException {
    MatchResult match = FileSystems.match(file, EmptyMatchTreatment.ALLOW);
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }

  private static void delete(String file) throws IOException {
    FileSystems.delete(List.of(FileSystems.matchNewResource(file, false)), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the lake's lock", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unknown host";
    }
  }
}
