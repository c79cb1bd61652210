package org.stedi.lakehouse.pipelines.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Publishing on a local file system, with renames.
 *
 * <p>Layout: each run writes a table into its own version folder,
 * {@code <source>/_versions/<zone>/<runId>/}, hidden from readers by the {@code _}. The table
 * folder itself, {@code <source>/<zone>}, is a symbolic link to the current version. Publishing
 * creates a new link beside it and renames it over the old one: {@code rename(2)} replaces the link
 * atomically, so a reader that opens the table folder sees the whole old version or the whole new
 * one, at every instant. A version stays on disk until the next run on the lake starts, so a reader
 * that resolved the old link just before a publish can finish reading it.
 *
 * <p>A lake run publishes several tables; before the first switch it writes a journal
 * ({@code _publishing/<runId>}) naming them, and deletes it after the last. A run killed between
 * switches leaves each table whole (old or new); the next run completes the journal's switches
 * before it does anything else.
 *
 * <p>One run at a time: the publisher holds an exclusive lock on {@code <lake>/_lake.lock} (an
 * operating-system file lock, released even if the process is killed).
 */
public final class LocalPublisher implements TablePublisher {
  static final String VERSIONS = "_versions";
  static final String JOURNALS = "_publishing";
  static final String LOCK_FILE = "_lake.lock";

  private final Path root;
  private final String runId;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private LocalPublisher(Path root, String runId, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.runId = runId;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks the lake at {@code root} for the run {@code runId}, completes any interrupted publish, and
   * removes versions that no table uses any more.
   *
   * @throws LakeBusyException if another run holds the lock
   */
  public static LocalPublisher open(Path root, String runId) {
    Path lockPath = root.resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readHolder(lockPath);
        channel.close();
        throw new LakeBusyException(
            "another run is using the lake " + root + " (" + holder + "); wait for it to finish, then run again");
      }
      channel.truncate(0);
      String content = "run " + runId + ", process " + processId() + ", since " + Instant.now() + "\n";
      channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
      LocalPublisher publisher = new LocalPublisher(root, runId, channel, lock);
      publisher.completeInterruptedPublishes();
      publisher.removeUnusedVersions();
      deleteRecursively(root.resolve(TEMPORARY)); // scratch files of runs that did not finish
      return publisher;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the lake " + root + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  @Override
  public Optional<String> publishedLocation(String tablePath) {
    Path table = root.resolve(tablePath);
    try {
      if (Files.isSymbolicLink(table)) {
        Path target = table.toRealPath();
        return Optional.of(target.toString());
      }
      if (Files.isDirectory(table, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(table.toString());
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("the table folder " + table + " is a link to a missing version", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String stage(String tablePath) {
    Path version = versionFolder(tablePath, runId);
    try {
      Files.createDirectories(version);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the staging folder " + version + ": " + e.getMessage(), e);
    }
    return version.toString();
  }

  @Override
  public void publish(Collection<String> tablePaths) {
    List<String> paths = List.copyOf(tablePaths);
    for (String path : paths) {
      Path version = versionFolder(path, runId);
      if (!Files.isDirectory(version)) {
        throw new IllegalStateException("nothing was staged for " + path + " in run " + runId);
      }
    }
    Path journal = root.resolve(JOURNALS).resolve(runId);
    try {
      Files.createDirectories(journal.getParent());
      Path pending = journal.resolveSibling("." + runId + ".pending");
      Files.write(pending, paths, StandardCharsets.UTF_8);
      Files.move(pending, journal, StandardCopyOption.ATOMIC_MOVE);
      for (String path : paths) {
        switchTo(path, runId);
      }
      Files.delete(journal);
      deleteRecursively(root.resolve(TEMPORARY).resolve(runId));
    } catch (IOException e) {
      throw new UncheckedIOException("publishing run " + runId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // The lock goes with the channel anyway.
    }
    closeQuietly(lockChannel);
  }

  /** Points the table's link at the run's version, atomically. Idempotent. */
  private void switchTo(String tablePath, String version) throws IOException {
    Path table = root.resolve(tablePath);
    Path target = Path.of(VERSIONS, table.getFileName().toString(), version);
    if (Files.isSymbolicLink(table) && Files.readSymbolicLink(table).equals(target)) {
      return;
    }
    if (Files.isDirectory(table, LinkOption.NOFOLLOW_LINKS)) {
      // A plain folder (written by hand or by another tool): keep it as an old version.
      Path adopted = versionFolder(tablePath, "adopted-" + version);
      Files.createDirectories(adopted.getParent());
      Files.move(table, adopted, StandardCopyOption.ATOMIC_MOVE);
    }
    Path link = table.resolveSibling("." + table.getFileName() + "." + version + ".link");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, target);
    Files.move(link, table, StandardCopyOption.ATOMIC_MOVE);
  }

  private void completeInterruptedPublishes() throws IOException {
    Path journals = root.resolve(JOURNALS);
    if (!Files.isDirectory(journals)) {
      return;
    }
    List<Path> pending = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(journals)) {
      for (Path entry : entries) {
        if (entry.getFileName().toString().startsWith(".")) {
          Files.deleteIfExists(entry); // a journal that was never complete: its run published nothing
        } else {
          pending.add(entry);
        }
      }
    }
    pending.sort(Comparator.comparing(Path::getFileName));
    for (Path journal : pending) {
      String version = journal.getFileName().toString();
      for (String path : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
        if (!path.isBlank() && Files.isDirectory(versionFolder(path, version))) {
          switchTo(path, version);
        }
      }
      Files.delete(journal);
    }
  }

  /** Deletes every version folder that no table link points to: failed runs and replaced versions. */
  private void removeUnusedVersions() throws IOException {
    try (DirectoryStream<Path> sources = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path source : sources) {
        Path versions = source.resolve(VERSIONS);
        if (!Files.isDirectory(versions, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (DirectoryStream<Path> zones = Files.newDirectoryStream(versions)) {
          for (Path zone : zones) {
            Path link = source.resolve(zone.getFileName().toString());
            Path current =
                Files.isSymbolicLink(link) ? source.resolve(Files.readSymbolicLink(link)).normalize() : null;
            try (DirectoryStream<Path> runs = Files.newDirectoryStream(zone)) {
              for (Path run : runs) {
                if (!run.normalize().equals(current)) {
                  deleteRecursively(run);
                }
              }
            }
          }
        }
      }
    }
  }

  private Path versionFolder(String tablePath, String version) {
    Path table = root.resolve(tablePath);
    return table.resolveSibling(VERSIONS).resolve(table.getFileName().toString()).resolve(version);
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String readHolder(Path lockPath) {
    try {
      String text = Files.readString(lockPath, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "lock held on " + lockPath : text + ", lock " + lockPath;
    } catch (IOException e) {
      return "lock held on " + lockPath;
    }
  }

  private static String processId() {
    return String.valueOf(ProcessHandle.current().pid());
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }
}
