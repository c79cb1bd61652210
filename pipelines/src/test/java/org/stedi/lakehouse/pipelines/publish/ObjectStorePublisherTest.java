package org.stedi.lakehouse.pipelines.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.HiddenNames;

/**
 * The object-store publisher's copies, deletes and journal, exercised through Beam's local file
 * system (the same calls as on S3, where {@code S3LakeTest} runs them against a real server).
 */
class ObjectStorePublisherTest {
  private static final String TRUSTED = "accelerometer/trusted";

  @TempDir Path lake;

  @BeforeAll
  static void fileSystems() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
  }

  private void stage(ObjectStorePublisher publisher, String content, String... files) throws Exception {
    Path staged = Path.of(publisher.stage(TRUSTED));
    for (String file : files) {
      Path path = staged.resolve(file);
      Files.createDirectories(path.getParent());
      Files.writeString(path, content);
    }
  }

  /** The visible files of the table folder, relative, with their contents. */
  private Set<String> visible() throws Exception {
    Path table = lake.resolve(TRUSTED);
    Set<String> files = new TreeSet<>();
    if (!Files.exists(table)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(table)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String relative = table.relativize(file).toString();
        if (HiddenNames.isVisible(table.toString(), file.toString())) {
          files.add(relative + "=" + Files.readString(file));
        }
      }
    }
    return files;
  }

  @Test
  void publishCopiesRunUniqueFilesInAndDeletesThePreviousRunsFiles() throws Exception {
    try (ObjectStorePublisher first = ObjectStorePublisher.open(lake.toString(), "run1")) {
      assertTrue(first.publishedLocation(TRUSTED).isEmpty());
      stage(first, "one", "dt=2022-06-01/part-00000-of-00001.parquet");
      first.publish(List.of(TRUSTED));
      assertEquals(Set.of("dt=2022-06-01/part-run1-00000-of-00001.parquet=one"), visible());
      assertTrue(first.publishedLocation(TRUSTED).isPresent());
    }

    try (ObjectStorePublisher second = ObjectStorePublisher.open(lake.toString(), "run2")) {
      stage(second, "two", "dt=2022-06-02/part-00000-of-00001.parquet");
      assertEquals(Set.of("dt=2022-06-01/part-run1-00000-of-00001.parquet=one"), visible());
      second.publish(List.of(TRUSTED));
      assertEquals(Set.of("dt=2022-06-02/part-run2-00000-of-00001.parquet=two"), visible());
    }
    assertFalse(Files.exists(lake.resolve("accelerometer/_staging/trusted/run2/dt=2022-06-02/part-00000-of-00001.parquet")));
  }

  @Test
  void anEmptyTableIsStillKnownToBePublished() throws Exception {
    try (ObjectStorePublisher publisher = ObjectStorePublisher.open(lake.toString(), "run1")) {
      publisher.stage(TRUSTED);
      publisher.publish(List.of(TRUSTED));
      assertTrue(publisher.publishedLocation(TRUSTED).isPresent());
    }
    assertTrue(visible().isEmpty());
  }

  @Test
  void theNextRunCompletesASwitchThatWasKilledHalfWay() throws Exception {
    try (ObjectStorePublisher first = ObjectStorePublisher.open(lake.toString(), "run1")) {
      stage(first, "old", "part-00000-of-00002.parquet", "part-00001-of-00002.parquet");
      first.publish(List.of(TRUSTED));
    }

    // run2 staged two files and wrote its journal; it was killed after copying one file.
    try (ObjectStorePublisher second = ObjectStorePublisher.open(lake.toString(), "run2")) {
      stage(second, "new", "part-00000-of-00002.parquet", "part-00001-of-00002.parquet");
    }
    String table = lake.resolve(TRUSTED).toString();
    String staging = lake.resolve("accelerometer/_staging/trusted/run2").toString();
    List<ObjectStorePublisher.TableSwitch> journal =
        List.of(
            new ObjectStorePublisher.TableSwitch(
                TRUSTED,
                List.of(staging + "/part-00000-of-00002.parquet", staging + "/part-00001-of-00002.parquet"),
                List.of(table + "/part-run2-00000-of-00002.parquet", table + "/part-run2-00001-of-00002.parquet"),
                List.of(table + "/part-run1-00000-of-00002.parquet", table + "/part-run1-00001-of-00002.parquet")));
    Files.createDirectories(lake.resolve(ObjectStorePublisher.JOURNALS));
    Files.write(lake.resolve(ObjectStorePublisher.JOURNALS).resolve("run2"), ObjectStorePublisher.toJson(journal));
    Files.copy(Path.of(staging, "part-00000-of-00002.parquet"), Path.of(table, "part-run2-00000-of-00002.parquet"));
    assertEquals(3, visible().size(), "the kill left a mix: " + visible());

    ObjectStorePublisher.open(lake.toString(), "run3").close();
    assertEquals(
        Set.of("part-run2-00000-of-00002.parquet=new", "part-run2-00001-of-00002.parquet=new"), visible());
    assertFalse(Files.exists(lake.resolve(ObjectStorePublisher.JOURNALS).resolve("run2")));
  }

  @Test
  void aFailedRunsStagingIsRemovedAndNeverPublished() throws Exception {
    try (ObjectStorePublisher first = ObjectStorePublisher.open(lake.toString(), "run1")) {
      stage(first, "good", "part-00000-of-00001.parquet");
      first.publish(List.of(TRUSTED));
    }
    try (ObjectStorePublisher failed = ObjectStorePublisher.open(lake.toString(), "run2")) {
      stage(failed, "half", "part-00000-of-00001.parquet");
    }
    Files.createDirectories(lake.resolve("_temporary/run2"));
    Files.writeString(lake.resolve("_temporary/run2/scratch"), "x", StandardCharsets.UTF_8);

    ObjectStorePublisher.open(lake.toString(), "run3").close();
    assertEquals(Set.of("part-run1-00000-of-00001.parquet=good"), visible());
    assertFalse(Files.exists(lake.resolve("accelerometer/_staging/trusted/run2/part-00000-of-00001.parquet")));
    assertFalse(Files.exists(lake.resolve("_temporary/run2/scratch")));
  }

  @Test
  void aRunKilledWhilePublishingIsCompletedByTheFirstRunAfterItsLease() throws Exception {
    Duration lease = Duration.ofSeconds(30);
    try (ObjectStorePublisher first = ObjectStorePublisher.open(lake.toString(), "run1")) {
      stage(first, "old", "part-00000-of-00001.parquet");
      first.publish(List.of(TRUSTED));
    }
    // run2 staged its file, wrote its journal and was killed holding the lock.
    try (ObjectStorePublisher second = ObjectStorePublisher.open(lake.toString(), "run2")) {
      stage(second, "new", "part-00000-of-00001.parquet");
    }
    String table = lake.resolve(TRUSTED).toString();
    String staging = lake.resolve("accelerometer/_staging/trusted/run2").toString();
    Files.createDirectories(lake.resolve(ObjectStorePublisher.JOURNALS));
    Files.write(
        lake.resolve(ObjectStorePublisher.JOURNALS).resolve("run2"),
        ObjectStorePublisher.toJson(
            List.of(
                new ObjectStorePublisher.TableSwitch(
                    TRUSTED,
                    List.of(staging + "/part-00000-of-00001.parquet"),
                    List.of(table + "/part-run2-00000-of-00001.parquet"),
                    List.of(table + "/part-run1-00000-of-00001.parquet")))));
    Path lock = lake.resolve(ObjectStoreLock.FOLDER).resolve("run2");
    Files.createDirectories(lock.getParent());
    Files.write(lock, ObjectStoreLock.toJson(new ObjectStoreLock.Holder("run2", "host", "1", Instant.now(), lease, true)));

    LakeBusyException busy =
        assertThrows(
            LakeBusyException.class,
            () -> ObjectStorePublisher.open(lake.toString(), "run3", lease, StoreClockAhead.clock(lease.minusSeconds(5))));
    assertTrue(busy.getMessage().contains("(run run2 on host"), busy.getMessage());
    assertEquals(Set.of("part-run1-00000-of-00001.parquet=old"), visible(), "a refused run touched the table");

    ObjectStorePublisher.open(lake.toString(), "run3", lease, StoreClockAhead.clock(lease.plusSeconds(1))).close();
    assertEquals(Set.of("part-run2-00000-of-00001.parquet=new"), visible());
    assertFalse(Files.exists(lock));
    assertFalse(Files.exists(lake.resolve(ObjectStorePublisher.JOURNALS).resolve("run2")));
  }

  @Test
  void journalsKeepTheFormatThatEarlierVersionsWriteAndRead() throws Exception {
    String written =
        "[{\"table\":\"accelerometer/trusted\",\"sources\":[\"s3://b/l/a/_staging/t/r2/p0\"],"
            + "\"targets\":[\"s3://b/l/a/t/part-r2-0\"],\"previous\":[\"s3://b/l/a/t/part-r1-0\",\"s3://b/l/a/t/part-r1-1\"]}]";
    List<ObjectStorePublisher.TableSwitch> switches =
        List.of(
            new ObjectStorePublisher.TableSwitch(
                TRUSTED,
                List.of("s3://b/l/a/_staging/t/r2/p0"),
                List.of("s3://b/l/a/t/part-r2-0"),
                List.of("s3://b/l/a/t/part-r1-0", "s3://b/l/a/t/part-r1-1")));
    assertEquals(written, new String(ObjectStorePublisher.toJson(switches), StandardCharsets.UTF_8));
    assertEquals(switches, ObjectStorePublisher.fromJson("j", written.getBytes(StandardCharsets.UTF_8)));

    // An empty journal has nothing to do; a missing list is empty; unknown fields are ignored.
    assertEquals(List.of(), ObjectStorePublisher.fromJson("j", new byte[0]));
    assertEquals(
        List.of(new ObjectStorePublisher.TableSwitch(TRUSTED, List.of(), List.of(), List.of("x"))),
        ObjectStorePublisher.fromJson(
            "j", "[{\"table\":\"accelerometer/trusted\",\"previous\":[\"x\"],\"checksum\":7}]".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aCorruptJournalIsNamedWithWhatIsWrongAndLeftInPlace() throws Exception {
    Path journal = lake.resolve(ObjectStorePublisher.JOURNALS).resolve("run2");
    Files.createDirectories(journal.getParent());
    for (String[] corrupt :
        List.of(
            new String[] {"[{\"table\":\"t\",\"sources\":[\"a\",\"b\"],\"targets\":[\"c\"]}]", ": table 1 of 1 (t) has 2 sources but 1 targets"},
            new String[] {"[{\"sources\":[],\"targets\":[]}]", ": table 1 of 1 has no \"table\""},
            new String[] {"[{\"table\":\"t\",\"previous\":[null]}]", ": table 1 of 1 (t) has null among its \"previous\""},
            new String[] {"[{\"table\":\"t\",\"sources\":\"a\"}]", ": a value of the wrong kind at $[0].sources (line 1, column 25)"},
            new String[] {"[{\"table\":", ": Unexpected end-of-input within/between Object entries (line 1, column 11)"},
            new String[] {"{}", ": not a list of tables (line 1, column 1)"},
            new String[] {"null", ": null instead of a list of tables"})) {
      Files.writeString(journal, corrupt[0]);
      UncheckedIOException error =
          assertThrows(UncheckedIOException.class, () -> ObjectStorePublisher.open(lake.toString(), "run3").close(), corrupt[0]);
      assertTrue(
          error.getMessage().startsWith("cannot open the lake " + lake + ": corrupt publish journal " + journal),
          error.getMessage());
      assertTrue(error.getMessage().contains(corrupt[1]), corrupt[0] + " -> " + error.getMessage());
      assertTrue(error.getCause() instanceof IOException);
      assertTrue(Files.exists(journal), "the corrupt journal was removed");
      assertFalse(Files.exists(lake.resolve(ObjectStoreLock.FOLDER).resolve("run3")), "the failed open kept the lock");
    }
  }
}
