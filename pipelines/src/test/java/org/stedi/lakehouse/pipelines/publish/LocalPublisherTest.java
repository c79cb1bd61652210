package org.stedi.lakehouse.pipelines.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPublisherTest {
  private static final String TRUSTED = "customer/trusted";
  private static final String QUARANTINE = "customer/quarantine";

  @TempDir Path lake;

  /** Stages a version of a table holding one file with the given content. */
  private static void stageFile(LocalPublisher publisher, String table, String content) throws Exception {
    Path version = Path.of(publisher.stage(table));
    Files.writeString(version.resolve("part-00000-of-00001.parquet"), content);
  }

  /** What a reader of the table folder sees: the content of its visible file, or null. */
  private String read(String table) throws Exception {
    Path file = lake.resolve(table).resolve("part-00000-of-00001.parquet");
    return Files.exists(file) ? Files.readString(file) : null;
  }

  @Test
  void unpublishedTableHasNoLocationAndStagedDataStaysInvisible() throws Exception {
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      assertTrue(publisher.publishedLocation(TRUSTED).isEmpty());
      stageFile(publisher, TRUSTED, "one");
      assertEquals(null, read(TRUSTED));
      assertTrue(publisher.publishedLocation(TRUSTED).isEmpty());
    }
  }

  @Test
  void publishMakesTheStagedVersionCurrentAndARerunReplacesIt() throws Exception {
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      stageFile(publisher, TRUSTED, "one");
      publisher.publish(List.of(TRUSTED));
      assertEquals("one", read(TRUSTED));
      assertTrue(publisher.publishedLocation(TRUSTED).orElseThrow().endsWith("_versions/trusted/run1"));
    }
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run2")) {
      stageFile(publisher, TRUSTED, "two");
      assertEquals("one", read(TRUSTED));
      publisher.publish(List.of(TRUSTED));
      assertEquals("two", read(TRUSTED));
      // The replaced version stays until the next run, for readers still reading it.
      assertTrue(Files.exists(lake.resolve("customer/_versions/trusted/run1")));
    }
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run3")) {
      assertFalse(Files.exists(lake.resolve("customer/_versions/trusted/run1")));
      assertEquals("two", read(TRUSTED));
    }
  }

  @Test
  void aFailedRunsStagingIsRemovedByTheNextRunAndNeverPublished() throws Exception {
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      stageFile(publisher, TRUSTED, "good");
      publisher.publish(List.of(TRUSTED));
    }
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run2")) {
      stageFile(publisher, TRUSTED, "half-written");
      // the run dies here: no publish
    }
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run3")) {
      assertEquals("good", read(TRUSTED));
      assertFalse(Files.exists(lake.resolve("customer/_versions/trusted/run2")));
    }
  }

  @Test
  void theNextRunCompletesAPublishInterruptedBetweenTables() throws Exception {
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      stageFile(publisher, TRUSTED, "old trusted");
      stageFile(publisher, QUARANTINE, "old quarantine");
      publisher.publish(List.of(TRUSTED, QUARANTINE));
    }
    // Simulate run2 dying after its journal was written and its first table switched.
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run2")) {
      stageFile(publisher, TRUSTED, "new trusted");
      stageFile(publisher, QUARANTINE, "new quarantine");
    }
    Path journal = lake.resolve(LocalPublisher.JOURNALS).resolve("run2");
    Files.createDirectories(journal.getParent());
    Files.write(journal, List.of(TRUSTED, QUARANTINE), StandardCharsets.UTF_8);
    Path link = lake.resolve(TRUSTED);
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("_versions", "trusted", "run2"));
    assertEquals("new trusted", read(TRUSTED));
    assertEquals("old quarantine", read(QUARANTINE));

    try (LocalPublisher publisher = LocalPublisher.open(lake, "run3")) {
      assertEquals("new trusted", read(TRUSTED));
      assertEquals("new quarantine", read(QUARANTINE));
      assertFalse(Files.exists(journal));
    }
  }

  @Test
  void aJournalThatWasNeverCompletedPublishesNothing() throws Exception {
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      stageFile(publisher, TRUSTED, "old");
      publisher.publish(List.of(TRUSTED));
    }
    Path pending = lake.resolve(LocalPublisher.JOURNALS).resolve(".run2.pending");
    Files.write(pending, List.of(TRUSTED), StandardCharsets.UTF_8);
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run3")) {
      assertEquals("old", read(TRUSTED));
      assertFalse(Files.exists(pending));
    }
  }

  @Test
  void aSecondRunOnTheSameLakeIsRefusedWhileTheFirstHoldsTheLock() {
    try (LocalPublisher first = LocalPublisher.open(lake, "run1")) {
      LakeBusyException refused = assertThrows(LakeBusyException.class, () -> LocalPublisher.open(lake, "run2"));
      assertTrue(refused.getMessage().contains("another run is using the lake"), refused.getMessage());
      assertTrue(refused.getMessage().contains("run1"), refused.getMessage());
    }
    try (LocalPublisher again = LocalPublisher.open(lake, "run3")) {
      assertTrue(again.publishedLocation(TRUSTED).isEmpty());
    }
  }

  @Test
  void aPlainFolderInThePlaceOfATableIsKeptAsAnOldVersionAndReplaced() throws Exception {
    Files.createDirectories(lake.resolve(TRUSTED));
    Files.writeString(lake.resolve(TRUSTED).resolve("part-00000-of-00001.parquet"), "by hand");
    try (LocalPublisher publisher = LocalPublisher.open(lake, "run1")) {
      assertEquals(lake.resolve(TRUSTED).toString(), publisher.publishedLocation(TRUSTED).orElseThrow());
      stageFile(publisher, TRUSTED, "generated");
      publisher.publish(List.of(TRUSTED));
    }
    assertEquals("generated", read(TRUSTED));
    try (Stream<Path> versions = Files.list(lake.resolve("customer/_versions/trusted"))) {
      assertTrue(versions.anyMatch(p -> p.getFileName().toString().startsWith("adopted-")));
    }
  }
}
