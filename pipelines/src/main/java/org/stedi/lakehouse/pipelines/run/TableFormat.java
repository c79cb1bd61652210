package org.stedi.lakehouse.pipelines.run;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.Coder;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Column;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.LakeTable;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;

/**
 * How the rows of one record type are stored in Parquet: the Avro schema derived from the table's
 * {@link Column}s, and the conversions between records and Avro generic records (by column
 * position, no reflection). Also the partition of a row: the UTC day of its reading time.
 */
public abstract class TableFormat<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final TableFormat<Customer> CUSTOMER = new CustomerFormat();
  public static final TableFormat<AccelerometerReading> ACCELEROMETER = new AccelerometerFormat();
  public static final TableFormat<StepTrainerReading> STEP_TRAINER = new StepTrainerFormat();
  public static final TableFormat<MachineLearningRow> MACHINE_LEARNING = new MachineLearningFormat();

  /** The partition value of an unpartitioned table. */
  static final String UNPARTITIONED = "";

  private final Class<T> recordType;
  private final List<Column> columns;
  private transient Schema schema;

  private TableFormat(Class<T> recordType, List<Column> columns) {
    this.recordType = recordType;
    this.columns = columns;
  }

  /** The format of a table's rows, checked against the record type the caller expects. */
  @SuppressWarnings("unchecked")
  public static <T> TableFormat<T> of(LakeTable table, Class<T> recordType) {
    TableFormat<?> format =
        switch (table) {
          case CUSTOMER_LANDING, CUSTOMER_TRUSTED, CUSTOMERS_CURATED -> CUSTOMER;
          case ACCELEROMETER_LANDING, ACCELEROMETER_TRUSTED -> ACCELEROMETER;
          case STEP_TRAINER_LANDING, STEP_TRAINER_TRUSTED -> STEP_TRAINER;
          case MACHINE_LEARNING_CURATED -> MACHINE_LEARNING;
        };
    if (format.recordType != recordType) {
      throw new IllegalArgumentException(
          table.tableName() + " holds " + format.recordType.getSimpleName() + " rows, not " + recordType.getSimpleName());
    }
    return (TableFormat<T>) format;
  }

  public abstract Coder<T> coder();

  /** The Avro schema of the Parquet files: one field per column, nullable where not required. */
  public Schema schema() {
    if (schema == null) {
      schema = avroSchema(recordType.getSimpleName(), columns);
    }
    return schema;
  }

  public abstract GenericRecord toAvro(T row);

  public abstract T fromAvro(GenericRecord record);

  /** The epoch milliseconds whose UTC day partitions the row, or {@code null} if unpartitioned. */
  abstract Long partitionTime(T row);

  /** The row's {@code dt} partition value ({@code YYYY-MM-DD}), or "" for an unpartitioned table. */
  public String partitionOf(T row) {
    Long millis = partitionTime(row);
    return millis == null ? UNPARTITIONED : utcDay(millis);
  }

  /** The UTC day of an epoch-millisecond time, as {@code YYYY-MM-DD}. */
  public static String utcDay(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  static Schema avroSchema(String name, List<Column> columns) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(name).namespace("org.stedi.lakehouse").fields();
    for (Column column : columns) {
      Schema.Type type =
          switch (column.type()) {
            case STRING -> Schema.Type.STRING;
            case BIGINT -> Schema.Type.LONG;
            case DOUBLE -> Schema.Type.DOUBLE;
          };
      Schema fieldSchema = Schema.create(type);
      if (column.required()) {
        fields = fields.name(column.name()).type(fieldSchema).noDefault();
      } else {
        fields = fields.name(column.name()).type(Schema.createUnion(Schema.create(Schema.Type.NULL), fieldSchema)).withDefault(null);
      }
    }
    return fields.endRecord();
  }

  GenericRecord newRecord() {
    return new GenericData.Record(schema());
  }

  static String text(Object value) {
    return value == null ? null : value.toString();
  }

  static Long longOrNull(Object value) {
    return value == null ? null : ((Number) value).longValue();
  }

  private static final class CustomerFormat extends TableFormat<Customer> {
    private static final long serialVersionUID = 1L;

    CustomerFormat() {
      super(Customer.class, Customer.COLUMNS);
    }

    @Override
    public Coder<Customer> coder() {
      return Customer.Coder.of();
    }

    @Override
    public GenericRecord toAvro(Customer c) {
      GenericRecord r = newRecord();
      r.put(0, c.customerName());
      r.put(1, c.email());
      r.put(2, c.phone());
      r.put(3, c.birthDay());
      r.put(4, c.serialNumber());
      r.put(5, c.registrationDate());
      r.put(6, c.lastUpdateDate());
      r.put(7, c.shareWithResearchAsOfDate());
      r.put(8, c.shareWithPublicAsOfDate());
      r.put(9, c.shareWithFriendsAsOfDate());
      return r;
    }

    @Override
    public Customer fromAvro(GenericRecord r) {
      return new Customer(
          text(r.get(0)),
          text(r.get(1)),
          text(r.get(2)),
          text(r.get(3)),
          text(r.get(4)),
          longOrNull(r.get(5)),
          longOrNull(r.get(6)),
          longOrNull(r.get(7)),
          longOrNull(r.get(8)),
          longOrNull(r.get(9)));
    }

    @Override
    Long partitionTime(Customer row) {
      return null;
    }
  }

  private static final class AccelerometerFormat extends TableFormat<AccelerometerReading> {
    private static final long serialVersionUID = 1L;

    AccelerometerFormat() {
      super(AccelerometerReading.class, AccelerometerReading.COLUMNS);
    }

    @Override
    public Coder<AccelerometerReading> coder() {
      return AccelerometerReading.Coder.of();
    }

    @Override
    public GenericRecord toAvro(AccelerometerReading a) {
      GenericRecord r = newRecord();
      r.put(0, a.user());
      r.put(1, a.timestamp());
      r.put(2, a.x());
      r.put(3, a.y());
      r.put(4, a.z());
      return r;
    }

    @Override
    public AccelerometerReading fromAvro(GenericRecord r) {
      return new AccelerometerReading(
          text(r.get(0)), (Long) r.get(1), (Double) r.get(2), (Double) r.get(3), (Double) r.get(4));
    }

    @Override
    Long partitionTime(AccelerometerReading row) {
      return row.timestamp();
    }
  }

  private static final class StepTrainerFormat extends TableFormat<StepTrainerReading> {
    private static final long serialVersionUID = 1L;

    StepTrainerFormat() {
      super(StepTrainerReading.class, StepTrainerReading.COLUMNS);
    }

    @Override
    public Coder<StepTrainerReading> coder() {
      return StepTrainerReading.Coder.of();
    }

    @Override
    public GenericRecord toAvro(StepTrainerReading s) {
      GenericRecord r = newRecord();
      r.put(0, s.sensorReadingTime());
      r.put(1, s.serialNumber());
      r.put(2, s.distanceFromObject());
      return r;
    }

    @Override
    public StepTrainerReading fromAvro(GenericRecord r) {
      return new StepTrainerReading((Long) r.get(0), text(r.get(1)), (Long) r.get(2));
    }

    @Override
    Long partitionTime(StepTrainerReading row) {
      return row.sensorReadingTime();
    }
  }

  private static final class MachineLearningFormat extends TableFormat<MachineLearningRow> {
    private static final long serialVersionUID = 1L;

    MachineLearningFormat() {
      super(MachineLearningRow.class, MachineLearningRow.COLUMNS);
    }

    @Override
    public Coder<MachineLearningRow> coder() {
      return MachineLearningRow.Coder.of();
    }

    @Override
    public GenericRecord toAvro(MachineLearningRow m) {
      GenericRecord r = newRecord();
      r.put(0, m.sensorReadingTime());
      r.put(1, m.serialNumber());
      r.put(2, m.distanceFromObject());
      r.put(3, m.x());
      r.put(4, m.y());
      r.put(5, m.z());
      return r;
    }

    @Override
    public MachineLearningRow fromAvro(GenericRecord r) {
      return new MachineLearningRow(
          (Long) r.get(0), text(r.get(1)), (Long) r.get(2), (Double) r.get(3), (Double) r.get(4), (Double) r.get(5));
    }

    @Override
    Long partitionTime(MachineLearningRow row) {
      return row.sensorReadingTime();
    }
  }
}
