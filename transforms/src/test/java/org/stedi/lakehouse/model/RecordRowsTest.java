package org.stedi.lakehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.DeviceAttribution.Verdict;

/** The records as Beam rows: schemas from the column lists, conversions both ways, clear errors. */
@ExtendWith(TestPipelineExtension.class)
class RecordRowsTest {
  private static final Customer FULL =
      new Customer(
          "Santosh Clayton",
          "Santosh.Clayton@test.com",
          "8015551212",
          "1900-01-01",
          "50f7b4f3-7af5-4b07-a421-7b902c8d2b7c",
          1655564376361L,
          1655564376362L,
          1655564376363L,
          null,
          -5L);
  private static final Customer SPARSE =
      new Customer(null, "ünïcødé@test.com", null, null, "s", null, null, null, null, null);
  private static final AccelerometerReading READING =
      new AccelerometerReading("a@b.c", 1655564444103L, 1.0, -0.0, Double.MAX_VALUE);
  private static final StepTrainerReading STEP = new StepTrainerReading(1655564444103L, "serial", 218);
  private static final MachineLearningRow ML_ROW = new MachineLearningRow(-1L, "serial", Long.MAX_VALUE, -0.0, 1.5, 2);
  private static final DeviceAttribution OWNED = new DeviceAttribution("serial", Verdict.OWNED, "a@b.c", 30, 29, 2);
  private static final DeviceAttribution TIED = new DeviceAttribution("serial", Verdict.TIE, null, 30, 20, 20);

  @Test
  void everyRecordRoundTripsThroughARowOfItsSchema() {
    assertRoundTrip(FULL, Customer::toRow, Customer::fromRow, Customer.SCHEMA);
    assertRoundTrip(SPARSE, Customer::toRow, Customer::fromRow, Customer.SCHEMA);
    assertRoundTrip(READING, AccelerometerReading::toRow, AccelerometerReading::fromRow, AccelerometerReading.SCHEMA);
    assertRoundTrip(STEP, StepTrainerReading::toRow, StepTrainerReading::fromRow, StepTrainerReading.SCHEMA);
    assertRoundTrip(ML_ROW, MachineLearningRow::toRow, MachineLearningRow::fromRow, MachineLearningRow.SCHEMA);
    assertRoundTrip(OWNED, DeviceAttribution::toRow, DeviceAttribution::fromRow, DeviceAttribution.SCHEMA);
    assertRoundTrip(TIED, DeviceAttribution::toRow, DeviceAttribution::fromRow, DeviceAttribution.SCHEMA);
    assertEquals("TIE", TIED.toRow().getString("verdict"));
    assertNull(SPARSE.toRow().getInt64("lastUpdateDate"));
  }

  private static <T> void assertRoundTrip(T record, Function<T, Row> toRow, Function<Row, T> fromRow, Schema schema) {
    Row row = toRow.apply(record);
    assertEquals(schema, row.getSchema());
    assertEquals(record, fromRow.apply(row));
  }

  @Test
  void schemasFollowTheColumnListsWithOptionalColumnsNullable() {
    assertEquals(
        Customer.COLUMNS.stream().map(Column::name).toList(), Customer.SCHEMA.getFieldNames());
    assertEquals(FieldType.STRING, Customer.SCHEMA.getField("email").getType());
    assertEquals(FieldType.INT64.withNullable(true), Customer.SCHEMA.getField("lastUpdateDate").getType());
    assertEquals(FieldType.STRING.withNullable(true), Customer.SCHEMA.getField("phone").getType());
    assertEquals(FieldType.INT64, AccelerometerReading.SCHEMA.getField("timestamp").getType());
    assertEquals(FieldType.DOUBLE, MachineLearningRow.SCHEMA.getField("z").getType());
    assertEquals(FieldType.STRING.withNullable(true), DeviceAttribution.SCHEMA.getField("owner").getType());
    for (Schema schema :
        List.of(AccelerometerReading.SCHEMA, StepTrainerReading.SCHEMA, MachineLearningRow.SCHEMA)) {
      assertFalse(schema.getFields().stream().anyMatch(f -> f.getType().getNullable()), schema.toString());
    }
  }

  @Test
  void readsFieldsByNameInAnyOrderAmongExtraFields() {
    Schema foreign =
        Schema.builder()
            .addStringField("device")
            .addDoubleField("z")
            .addInt64Field("timestamp")
            .addDoubleField("y")
            .addStringField("user")
            .addDoubleField("x")
            .build();
    Row row = Row.withSchema(foreign).addValues("phone-7", 3.0, 100L, 2.0, "a@b.c", 1.0).build();
    assertEquals(new AccelerometerReading("a@b.c", 100L, 1.0, 2.0, 3.0), AccelerometerReading.fromRow(row));
  }

  @Test
  void acceptsNarrowerNumbersThatWidenWithoutLoss() {
    Schema narrow =
        Schema.builder()
            .addInt32Field("sensorReadingTime")
            .addStringField("serialNumber")
            .addInt16Field("distanceFromObject")
            .addFloatField("x")
            .addDoubleField("y")
            .addFloatField("z")
            .build();
    Row row = Row.withSchema(narrow).addValues(7, "s", (short) 218, 0.5f, 1.5, -2f).build();
    assertEquals(new MachineLearningRow(7L, "s", 218L, 0.5, 1.5, -2.0), MachineLearningRow.fromRow(row));
  }

  @Test
  void anOptionalColumnTheRowLacksIsNull() {
    Schema minimal =
        Schema.builder()
            .addStringField("serialNumber")
            .addNullableField("shareWithResearchAsOfDate", FieldType.INT64)
            .addStringField("email")
            .build();
    Row row = Row.withSchema(minimal).addValues("s-1", 5L, "ana@example.com").build();
    assertEquals(
        new Customer(null, "ana@example.com", null, null, "s-1", null, null, 5L, null, null), Customer.fromRow(row));
  }

  @Test
  void aRowWithoutARequiredFieldIsRejectedNamingTheField() {
    Schema noSerial = Schema.builder().addStringField("email").addStringField("customerName").build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Customer.fromRow(Row.withSchema(noSerial).addValues("ana@example.com", "Ana").build()));
    assertEquals(
        "Customer row: no field 'serialNumber' (required, STRING); the row's fields are [email, customerName]",
        e.getMessage());
  }

  @Test
  void aNullRequiredValueIsRejectedNamingTheField() {
    Schema nullable =
        Schema.builder()
            .addNullableField("sensorReadingTime", FieldType.INT64)
            .addStringField("serialNumber")
            .addInt64Field("distanceFromObject")
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StepTrainerReading.fromRow(Row.withSchema(nullable).addValues(null, "s", 1L).build()));
    assertEquals(
        "StepTrainerReading row: field 'sensorReadingTime' is null, but every StepTrainerReading has a value",
        e.getMessage());
  }

  @Test
  void aFieldOfTheWrongTypeIsRejectedNamingTheFieldAndBothTypes() {
    Schema textTime =
        Schema.builder()
            .addStringField("user")
            .addStringField("timestamp")
            .addDoubleField("x")
            .addDoubleField("y")
            .addDoubleField("z")
            .build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AccelerometerReading.fromRow(
                    Row.withSchema(textTime).addValues("a@b.c", "1655564444103", 1.0, 2.0, 3.0).build()));
    assertEquals("AccelerometerReading row: field 'timestamp' is STRING, expected INT64", e.getMessage());

    Schema numericPhone =
        Schema.builder().addStringField("email").addStringField("serialNumber").addInt64Field("phone").build();
    IllegalArgumentException optional =
        assertThrows(
            IllegalArgumentException.class,
            () -> Customer.fromRow(Row.withSchema(numericPhone).addValues("a@b.c", "s", 8015551212L).build()));
    assertEquals("Customer row: field 'phone' is INT64, expected STRING", optional.getMessage());

    Schema wholeX =
        Schema.builder()
            .addStringField("user")
            .addInt64Field("timestamp")
            .addInt64Field("x")
            .addDoubleField("y")
            .addDoubleField("z")
            .build();
    assertThrows(
        IllegalArgumentException.class,
        () -> AccelerometerReading.fromRow(Row.withSchema(wholeX).addValues("a@b.c", 1L, 1L, 2.0, 3.0).build()));
  }

  @Test
  void aDeviceRowWithAnUnknownVerdictIsRejected() {
    Row row =
        Row.withSchema(DeviceAttribution.SCHEMA).addValues("serial", "MAYBE", null, 30L, 20L, 10L).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceAttribution.fromRow(row));
    assertEquals(
        "DeviceAttribution row: field 'verdict' is 'MAYBE', not one of [NO_PHONE, NO_MAJORITY, TIE, OWNED]",
        e.getMessage());
  }

  @Test
  void toRowsSetsTheRowSchemaAndFromRowsRestoresTheRecords(TestPipeline pipeline) {
    PCollection<Row> rows =
        pipeline.apply(Create.of(FULL, SPARSE).withCoder(Customer.Coder.of())).apply(Customer.toRows());
    PCollection<Customer> back = rows.apply(Customer.fromRows());

    assertTrue(rows.hasSchema());
    assertEquals(Customer.SCHEMA, rows.getSchema());
    assertInstanceOf(Customer.Coder.class, back.getCoder());
    PAssert.that(rows).containsInAnyOrder(FULL.toRow(), SPARSE.toRow());
    PAssert.that(back).containsInAnyOrder(FULL, SPARSE);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void fromRowsFailsThePipelineWithTheFieldsName(TestPipeline pipeline) {
    Schema noUser = Schema.builder().addInt64Field("timestamp").build();
    pipeline
        .apply(Create.of(Row.withSchema(noUser).addValues(1L).build()).withRowSchema(noUser))
        .apply(AccelerometerReading.fromRows());

    PipelineExecutionException e = assertThrows(PipelineExecutionException.class, () -> pipeline.run());
    IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(cause.getMessage().startsWith("AccelerometerReading row: no field 'user'"), cause.getMessage());
  }
}
