package org.stedi.lakehouse.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The Beam schema of the records, derived from their column lists, and the conversions between
 * records and {@link Row}s that the records share.
 *
 * <p>Reading a row looks every column up by name, so a row may have its fields in any order and
 * fields the record does not know. A required column must be present and non-null; an optional
 * column the row lacks reads as null. A field must have the column's type, or one that widens to it
 * without loss: {@code INT64}, {@code INT32}, {@code INT16} or {@code BYTE} for {@code BIGINT},
 * {@code DOUBLE} or {@code FLOAT} for {@code DOUBLE}. Anything else is an {@link
 * IllegalArgumentException} that names the record, the field and what was expected.
 */
final class RecordRows {

  private RecordRows() {}

  /** The schema of a column list: the same fields in the same order, optional columns nullable. */
  static Schema schemaOf(List<Column> columns) {
    Schema.Builder schema = Schema.builder();
    for (Column column : columns) {
      schema.addField(Schema.Field.of(column.name(), fieldType(column.type()).withNullable(!column.required())));
    }
    return schema.build();
  }

  /** The Beam field type of a column type. */
  static FieldType fieldType(ColumnType type) {
    return switch (type) {
      case STRING -> FieldType.STRING;
      case BIGINT -> FieldType.INT64;
      case DOUBLE -> FieldType.DOUBLE;
    };
  }

  private static Set<TypeName> accepted(ColumnType type) {
    return switch (type) {
      case STRING -> Set.of(TypeName.STRING);
      case BIGINT -> Set.of(TypeName.INT64, TypeName.INT32, TypeName.INT16, TypeName.BYTE);
      case DOUBLE -> Set.of(TypeName.DOUBLE, TypeName.FLOAT);
    };
  }

  /** The reader of one record type's rows. */
  static Fields fields(String record, List<Column> columns) {
    return new Fields(record, columns);
  }

  /** Reads the columns of one record type from rows of any schema that has them. */
  static final class Fields {
    private final String record;
    private final Map<String, Column> columns = new LinkedHashMap<>();

    private Fields(String record, List<Column> columns) {
      this.record = record;
      columns.forEach(column -> this.columns.put(column.name(), column));
    }

    /** The text of a STRING column; null only for an optional column without a value. */
    String string(Row row, String name) {
      return (String) value(row, name);
    }

    /** The value of a BIGINT column; null only for an optional column without a value. */
    Long bigint(Row row, String name) {
      Number value = (Number) value(row, name);
      return value == null ? null : value.longValue();
    }

    /** The value of a DOUBLE column; null only for an optional column without a value. */
    Double number(Row row, String name) {
      Number value = (Number) value(row, name);
      return value == null ? null : value.doubleValue();
    }

    /** An error about the value of a field that has the right type. */
    IllegalArgumentException invalid(String name, String problem) {
      return new IllegalArgumentException(record + " row: field '" + name + "' " + problem);
    }

    private Object value(Row row, String name) {
      Column column = columns.get(name);
      if (column == null) {
        throw new IllegalStateException(record + " has no column " + name);
      }
      Schema schema = row.getSchema();
      if (!schema.hasField(name)) {
        if (!column.required()) {
          return null;
        }
        throw new IllegalArgumentException(
            record + " row: no field '" + name + "' (required, " + fieldType(column.type()).getTypeName()
                + "); the row's fields are " + schema.getFieldNames());
      }
      TypeName actual = schema.getField(name).getType().getTypeName();
      if (!accepted(column.type()).contains(actual)) {
        throw invalid(name, "is " + actual + ", expected " + fieldType(column.type()).getTypeName());
      }
      Object value = row.getValue(name);
      if (value == null && column.required()) {
        throw invalid(name, "is null, but every " + record + " has a value");
      }
      return value;
    }
  }

  /** Rows to records: the record's {@code fromRow} on each element, with the record's coder. */
  static <T> PTransform<PCollection<Row>, PCollection<T>> fromRows(
      Class<T> type, SerializableFunction<Row, T> fromRow, Coder<T> coder) {
    return new FromRows<>(type, fromRow, coder);
  }

  /** Records to rows: the record's {@code toRow} on each element, with the record's schema. */
  static <T> PTransform<PCollection<T>, PCollection<Row>> toRows(
      Class<T> type, SerializableFunction<T, Row> toRow, Schema schema) {
    return new ToRows<>(type, toRow, schema);
  }

  private static final class FromRows<T> extends PTransform<PCollection<Row>, PCollection<T>> {
    private final Class<T> type;
    private final SerializableFunction<Row, T> fromRow;
    private final Coder<T> coder;

    FromRows(Class<T> type, SerializableFunction<Row, T> fromRow, Coder<T> coder) {
      super("RowsTo" + type.getSimpleName());
      this.type = type;
      this.fromRow = fromRow;
      this.coder = coder;
    }

    @Override
    public PCollection<T> expand(PCollection<Row> rows) {
      return rows.apply("Convert", MapElements.into(TypeDescriptor.of(type)).via(fromRow)).setCoder(coder);
    }
  }

  private static final class ToRows<T> extends PTransform<PCollection<T>, PCollection<Row>> {
    private final SerializableFunction<T, Row> toRow;
    private final Schema schema;

    ToRows(Class<T> type, SerializableFunction<T, Row> toRow, Schema schema) {
      super(type.getSimpleName() + "ToRows");
      this.toRow = toRow;
      this.schema = schema;
    }

    @Override
    public PCollection<Row> expand(PCollection<T> records) {
      return records.apply("Convert", MapElements.into(TypeDescriptors.rows()).via(toRow)).setRowSchema(schema);
    }
  }
}
