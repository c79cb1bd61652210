package org.stedi.lakehouse.model;

/**
 * The logical type of a table column. Each lake format maps it once: Parquet (through Avro), the
 * Glue/Athena DDL and the landing JSON validation all derive from this type.
 */
public enum ColumnType {
  /** UTF-8 text. */
  STRING("string"),
  /** A signed 64-bit integer; in landing JSON an integer literal within the long range. */
  BIGINT("bigint"),
  /** A 64-bit IEEE 754 number; in landing JSON any number literal. */
  DOUBLE("double");

  private final String hiveType;

  ColumnType(String hiveType) {
    this.hiveType = hiveType;
  }

  /** The type's name in Hive, Glue and Athena DDL. */
  public String hiveType() {
    return hiveType;
  }
}
