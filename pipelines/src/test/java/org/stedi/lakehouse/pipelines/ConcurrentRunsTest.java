package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.generator.LakeGenerator;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.publish.LocalPublisher;
import org.stedi.lakehouse.pipelines.publish.ObjectStoreLock;
import org.stedi.lakehouse.pipelines.run.LakeException;
import org.stedi.lakehouse.pipelines.run.LakeRun;
import org.stedi.lakehouse.testing.S3ProxyServer;
import org.stedi.lakehouse.testing.LakeSnapshot;

/**
 * Two lakehouse runs on the same lake at once, as separate processes: the second is refused with
 * one line that names the run holding the lake and since when, and the first writes whole tables.
 * On a local disk the lake's lock is an operating-system file lock; on S3 (a real S3 API server) it
 * is {@link ObjectStoreLock}.
 */
class ConcurrentRunsTest {
  private static final double SCALE = 0.02;
  private static final long SEED = 13;
  private static final String NEW_EMAIL = "Two.Runs@test.com";
  private static final String NEW_SERIAL = "0a0a0a0a-1111-2222-3333-444444444444";
  private static final Pattern RUN_ID = Pattern.compile("\"run\":\"([^\"]+)\"|^run ([^,]+),");
  /** How long a run of the test's lake may take, and how long it may take to hold the lake. */
  private static final Duration RUN_DEADLINE = Duration.ofMinutes(5);

  @TempDir static Path reference;
  private static LakeSnapshot newTables;

  @BeforeAll
  static void whatTheNextRunWrites() throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(reference);
    LandingChanges.addNewCustomerWithDevice(reference, NEW_EMAIL, NEW_SERIAL);
    Lakehouse.run(LakeJobs.parseOptions("--lake=" + reference));
    newTables = LakeSnapshot.of(reference);
  }

  @Test
  void aSecondRunOnALocalLakeIsRefusedWhileTheFirstRuns(@TempDir Path lake) throws Exception {
    LakeGenerator.withAllDefects(SCALE, SEED).generate(lake);
    LandingChanges.addNewCustomerWithDevice(lake, NEW_EMAIL, NEW_SERIAL);

    Path firstLog = Files.createTempFile("first-run", ".log");
    Process first = startLakehouse(firstLog, "--lake=" + lake);
    String holder = awaitHolder(first, firstLog, lake.resolve("_lake.lock"));

    LakeException refused =
        assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions("--lake=" + lake)));
    System.out.println("the second run: " + refused.getMessage());
    assertRefusedNaming(refused.getMessage(), lake.toString(), holder);

    assertEquals(0, awaitEnd(first, firstLog), "the first run failed:\n" + Files.readString(firstLog));
    assertEquals(newTables, LakeSnapshot.of(lake));
    LocalPublisher.open(lake, "after-both").close(); // the first run's lock went with its process
  }

  @Test
  void aSecondRunOnAnS3LakeIsRefusedWhileTheFirstRuns(@TempDir Path buckets) throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(buckets)) {
      Path onDisk = server.bucket("two-runs").resolve("lake");
      List<String> args = s3Args(server, "s3://two-runs/lake");
      LakeGenerator.withAllDefects(SCALE, SEED).generate(onDisk);
      LandingChanges.addNewCustomerWithDevice(onDisk, NEW_EMAIL, NEW_SERIAL);

      Path firstLog = Files.createTempFile("first-s3-run", ".log");
      Process first = startLakehouse(firstLog, args.toArray(String[]::new));
      String holder = awaitHolder(first, firstLog, onDisk.resolve(ObjectStoreLock.FOLDER));

      LakeException refused =
          assertThrows(LakeException.class, () -> Lakehouse.run(LakeJobs.parseOptions(args.toArray(String[]::new))));
      System.out.println("the second run: " + refused.getMessage());
      assertRefusedNaming(refused.getMessage(), "s3://two-runs/lake", holder);

      assertEquals(0, awaitEnd(first, firstLog), "the first run failed:\n" + Files.readString(firstLog));
      assertEquals(newTables, LakeSnapshot.of(onDisk));
      assertEquals(List.of(), lockEntries(onDisk), "a lock entry outlived its run");
    }
  }

  @Test
  void ofTwoS3RunsStartedTogetherOneRunsAndTheOtherIsRefused(@TempDir Path buckets) throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start(buckets)) {
      Path onDisk = server.bucket("together").resolve("lake");
      List<String> args = s3Args(server, "s3://together/lake");
      LakeGenerator.withAllDefects(SCALE, SEED).generate(onDisk);
      LandingChanges.addNewCustomerWithDevice(onDisk, NEW_EMAIL, NEW_SERIAL);

      Path[] logs = {Files.createTempFile("together-a", ".log"), Files.createTempFile("together-b", ".log")};
      Process[] runs = {startLakehouse(logs[0], args.toArray(String[]::new)), startLakehouse(logs[1], args.toArray(String[]::new))};
      int succeeded = 0;
      for (int i = 0; i < 2; i++) {
        int status = awaitEnd(runs[i], logs[i]);
        String log = Files.readString(logs[i]);
        if (status == 0) {
          succeeded++;
        } else {
          assertTrue(log.contains("another run is using the lake s3://together/lake (run "), "run " + i + " failed otherwise:\n" + log);
          System.out.println("the refused run: " + log.lines().filter(l -> l.contains("LakeException")).findFirst().orElse(""));
        }
      }
      assertEquals(1, succeeded, "exactly one of the two runs may run:\n" + Files.readString(logs[0]) + Files.readString(logs[1]));
      assertEquals(newTables, LakeSnapshot.of(onDisk));
      assertEquals(List.of(), lockEntries(onDisk), "a lock entry outlived its run");
    }
  }

  private static void assertRefusedNaming(String message, String lake, String holder) {
    assertEquals(1, message.lines().count(), "not one line: " + message);
    assertTrue(message.startsWith("another run is using the lake " + lake + " ("), message);
    assertTrue(message.contains("run " + holder), "the error does not name the holder " + holder + ": " + message);
    assertTrue(message.contains("since 20"), "the error does not say since when: " + message);
  }

  private static List<String> s3Args(S3ProxyServer server, String lake) {
    List<String> args = new ArrayList<>(server.options());
    args.add("--lake=" + lake);
    return args;
  }

  /** Waits for a run to end, at most {@link #RUN_DEADLINE}, and returns its exit status. */
  private static int awaitEnd(Process run, Path log) throws Exception {
    if (!run.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      run.destroyForcibly();
      throw new AssertionError("a run did not end within " + RUN_DEADLINE + ":\n" + Files.readString(log));
    }
    return run.exitValue();
  }

  /**
   * Waits until the first run holds the lake (its run id is in the lock file, or in a lock entry
   * that holds the lock), at most {@link #RUN_DEADLINE}, and returns its run id.
   */
  private static String awaitHolder(Process first, Path log, Path lock) throws Exception {
    long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
    while (true) {
      List<Path> files = new ArrayList<>();
      if (Files.isRegularFile(lock)) {
        files.add(lock);
      } else if (Files.isDirectory(lock)) {
        try (Stream<Path> entries = Files.list(lock)) {
          entries.filter(Files::isRegularFile).forEach(files::add);
        }
      }
      for (Path file : files) {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        Matcher id = RUN_ID.matcher(content);
        boolean holding = file.equals(lock) || content.contains("\"state\":\"holding\"");
        if (holding && id.find()) {
          return id.group(1) != null ? id.group(1) : id.group(2);
        }
      }
      if (first.waitFor(20, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the first run ended before it was seen holding the lake:\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        first.destroyForcibly();
        throw new AssertionError(
            "the first run was not seen holding the lake within " + RUN_DEADLINE + " (lock " + lock + "):\n" + Files.readString(log));
      }
    }
  }

  private static List<String> lockEntries(Path lake) throws Exception {
    Path folder = lake.resolve(ObjectStoreLock.FOLDER);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
    }
  }

  static Process startLakehouse(Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Lakehouse.class.getName());
    command.addAll(List.of(args));
    File file = log.toFile();
    file.deleteOnExit();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file).start();
  }
}
