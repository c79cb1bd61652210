package org.stedi.lakehouse.pipelines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stedi.lakehouse.model.LakeTable;

/** Snapshots of a lake's output tables through DuckDB, for exact comparisons between runs. */
final class Tables {
  static final List<LakeTable> OUTPUTS =
      List.of(
          LakeTable.CUSTOMER_TRUSTED,
          LakeTable.ACCELEROMETER_TRUSTED,
          LakeTable.CUSTOMERS_CURATED,
          LakeTable.STEP_TRAINER_TRUSTED,
          LakeTable.MACHINE_LEARNING_CURATED);

  private Tables() {}

  /** Every row of every output table, sorted, by table. */
  static Map<LakeTable, List<List<String>>> snapshot(Path lake) throws Exception {
    Map<LakeTable, List<List<String>>> tables = new LinkedHashMap<>();
    try (DuckDb duck = new DuckDb()) {
      for (LakeTable table : OUTPUTS) {
        tables.put(table, rows(duck, lake, table));
      }
    }
    return tables;
  }

  static List<List<String>> rows(DuckDb duck, Path lake, LakeTable table) throws Exception {
    String source = duck.source(lake, table);
    if (source == null) {
      return new ArrayList<>();
    }
    return duck.rows("SELECT * FROM " + source + " ORDER BY ALL");
  }
}
