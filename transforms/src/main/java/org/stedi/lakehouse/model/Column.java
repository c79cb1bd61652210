package org.stedi.lakehouse.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * One column of a lake table: its source (camelCase) name, its type, and whether every row has a
 * value. A required column is one whose absence sends a landing line to quarantine.
 */
public record Column(String name, ColumnType type, boolean required) implements Serializable {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isBlank()) {
      throw new IllegalArgumentException("column name must not be blank");
    }
  }

  static Column required(String name, ColumnType type) {
    return new Column(name, type, true);
  }

  static Column optional(String name, ColumnType type) {
    return new Column(name, type, false);
  }
}
