package org.stedi.lakehouse.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The eight tables of the lake: where each lives, how it is stored, and its columns. This is the one
 * definition that the Parquet schemas, the Glue/Athena DDL and the readers derive from.
 */
public enum LakeTable {
  CUSTOMER_LANDING(Source.CUSTOMER, Zone.LANDING, Customer.COLUMNS, null),
  ACCELEROMETER_LANDING(Source.ACCELEROMETER, Zone.LANDING, AccelerometerReading.COLUMNS, null),
  STEP_TRAINER_LANDING(Source.STEP_TRAINER, Zone.LANDING, StepTrainerReading.COLUMNS, null),
  CUSTOMER_TRUSTED(Source.CUSTOMER, Zone.TRUSTED, Customer.COLUMNS, null),
  ACCELEROMETER_TRUSTED(Source.ACCELEROMETER, Zone.TRUSTED, AccelerometerReading.COLUMNS, "timestamp"),
  CUSTOMERS_CURATED(Source.CUSTOMER, Zone.CURATED, Customer.COLUMNS, null),
  STEP_TRAINER_TRUSTED(Source.STEP_TRAINER, Zone.TRUSTED, StepTrainerReading.COLUMNS, "sensorReadingTime"),
  MACHINE_LEARNING_CURATED(
      Source.STEP_TRAINER, Zone.CURATED, MachineLearningRow.COLUMNS, "sensorReadingTime");

  /** The name of the Hive-style partition column of the reading tables (UTC day of the reading). */
  public static final String PARTITION_COLUMN = "dt";

  private final Source source;
  private final Zone zone;
  private final List<Column> columns;
  private final String partitionTimeColumn;

  LakeTable(Source source, Zone zone, List<Column> columns, String partitionTimeColumn) {
    this.source = source;
    this.zone = zone;
    this.columns = columns;
    this.partitionTimeColumn = partitionTimeColumn;
  }

  /** The table's name as Glue and Athena know it, such as {@code customer_trusted}. */
  public String tableName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Source source() {
    return source;
  }

  public Zone zone() {
    return zone;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The table's folder relative to the lake root, such as {@code step_trainer/curated}. */
  public String path() {
    return source.folder() + "/" + zone.folder();
  }

  /** Landing tables are newline-delimited JSON; every other table is Parquet. */
  public boolean isParquet() {
    return zone != Zone.LANDING;
  }

  /**
   * The epoch-millisecond column whose UTC day partitions the table ({@code dt=YYYY-MM-DD}), or
   * empty for an unpartitioned table.
   */
  public Optional<String> partitionTimeColumn() {
    return Optional.ofNullable(partitionTimeColumn);
  }

  /** Looks a table up by its Glue name, ignoring case. */
  public static Optional<LakeTable> byName(String tableName) {
    for (LakeTable table : values()) {
      if (table.tableName().equalsIgnoreCase(tableName.strip())) {
        return Optional.of(table);
      }
    }
    return Optional.empty();
  }
}
