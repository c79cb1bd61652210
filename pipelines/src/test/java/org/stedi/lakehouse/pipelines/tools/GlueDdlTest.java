package org.stedi.lakehouse.pipelines.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.pipelines.run.Lake;

class GlueDdlTest {
  /** Where the committed DDL lives, relative to this module. */
  private static final Path COMMITTED = Path.of("..", "docs", "ddl");

  private static final Lake PLACEHOLDER = Lake.of("s3://your-bucket/stedi");

  @ParameterizedTest
  @EnumSource(LakeTable.class)
  void committedDdlMatchesTheTableDefinitions(LakeTable table) throws Exception {
    Path file = COMMITTED.resolve(table.tableName() + ".sql");
    assertTrue(Files.exists(file), "missing " + file);
    assertEquals(
        GlueDdl.createTable(table, PLACEHOLDER, "stedi"),
        Files.readString(file, StandardCharsets.UTF_8),
        file
            + " has drifted from the table definitions; regenerate it with "
            + "`./stedi ddl --lake=s3://your-bucket/stedi --out=docs/ddl`");
  }

  @ParameterizedTest
  @EnumSource(LakeTable.class)
  void everyColumnIsQuotedAndTyped(LakeTable table) {
    String ddl = GlueDdl.createTable(table, PLACEHOLDER, "stedi");
    for (Column column : table.columns()) {
      assertTrue(ddl.contains("  `" + column.name() + "` " + column.type().hiveType()), column.name() + " in\n" + ddl);
    }
    assertTrue(ddl.contains("LOCATION 's3://your-bucket/stedi/" + table.path() + "/'"), ddl);
  }

  @Test
  void landingTablesAreTypedJsonAndReadingTablesArePartitionedParquet() {
    String landing = GlueDdl.createTable(LakeTable.ACCELEROMETER_LANDING, PLACEHOLDER, "stedi");
    assertTrue(landing.contains("`user` string"), landing);
    assertTrue(landing.contains("`timestamp` bigint"), landing);
    assertTrue(landing.contains("`x` double"), landing);
    assertTrue(landing.contains("org.openx.data.jsonserde.JsonSerDe"), landing);
    assertFalse(landing.contains("PARTITIONED BY"), landing);

    String trusted = GlueDdl.createTable(LakeTable.ACCELEROMETER_TRUSTED, PLACEHOLDER, "stedi");
    assertTrue(trusted.contains("PARTITIONED BY (`dt` string)"), trusted);
    assertTrue(trusted.contains("STORED AS PARQUET"), trusted);

    String customers = GlueDdl.createTable(LakeTable.CUSTOMER_TRUSTED, PLACEHOLDER, "stedi");
    assertFalse(customers.contains("PARTITIONED BY"), customers);
    assertTrue(customers.contains("`shareWithResearchAsOfDate` bigint"), customers);
  }
}
