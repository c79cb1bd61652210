package org.stedi.lakehouse.pipelines.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.LandingFiles;

/** {@code show} on landing data accepts and rejects exactly the lines that the pipelines do. */
class TableReaderTest {
  @TempDir Path lake;

  @BeforeAll
  static void localFiles() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
  }

  @Test
  void aLineOfInvalidUtf8IsCountedAsMalformedNotShownAsARow() throws Exception {
    Path landing = lake.resolve("accelerometer/landing");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write((AccelerometerLine.of("a@b.c", 1L, 0.1, 0.2, 9.8).json() + "\n").getBytes(StandardCharsets.UTF_8));
    String withBadByte = AccelerometerLine.of("a\u00e9@b.c", 2L, 0.1, 0.2, 9.8).json();
    // The é encoded as a lone Latin-1 byte: not UTF-8. The pipelines quarantine this line.
    bytes.write(withBadByte.replace("\u00e9", "#").getBytes(StandardCharsets.UTF_8));
    byte[] file = bytes.toByteArray();
    for (int i = 0; i < file.length; i++) {
      if (file[i] == '#') {
        file[i] = (byte) 0xE9;
      }
    }
    LandingFiles.writeBytes(landing.resolve("phone.json"), file);

    TableReader.Snapshot snapshot = TableReader.read(Lake.of(lake.toString()), LakeTable.ACCELEROMETER_LANDING, 10);

    assertEquals(1, snapshot.rowCount(), snapshot.toText());
    assertEquals(1, snapshot.rejectedLines(), snapshot.toText());
    assertTrue(snapshot.rows().stream().noneMatch(row -> String.join(",", row).contains("\uFFFD")), snapshot.toText());
  }

  @Test
  void filesWithHiddenNamesAreNotShown() {
    Path landing = lake.resolve("accelerometer/landing");
    LandingFiles.write(landing.resolve("phone.json"), List.of(AccelerometerLine.of("a@b.c", 1L, 0.1, 0.2, 9.8)));
    LandingFiles.write(landing.resolve("_temporary/phone.json"), List.of(AccelerometerLine.of("a@b.c", 2L, 0.1, 0.2, 9.8)));
    LandingFiles.write(landing.resolve(".phone.json.crc"), List.of("not data"));

    TableReader.Snapshot snapshot = TableReader.read(Lake.of(lake.toString()), LakeTable.ACCELEROMETER_LANDING, 10);

    assertEquals(1, snapshot.rowCount(), snapshot.toText());
    assertEquals(0, snapshot.rejectedLines(), snapshot.toText());
  }
}
