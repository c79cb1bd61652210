package org.stedi.lakehouse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class RecordCodersTest {
  private static final Customer FULL =
      new Customer(
          "Santosh Clayton",
          "Santosh.Clayton@test.com",
          "8015551212",
          "1900-01-01",
          "50f7b4f3-7af5-4b07-a421-7b902c8d2b7c",
          1655564376361L,
          1655564376361L,
          1655564376361L,
          null,
          -5L);
  private static final Customer SPARSE =
      new Customer(null, "ünïcødé@test.com", null, null, "s", null, null, null, null, null);

  @Test
  void customersRoundTripWithNullsAndUnicode() throws Exception {
    for (Customer customer : List.of(FULL, SPARSE)) {
      CoderProperties.coderDecodeEncodeEqual(Customer.Coder.of(), customer);
      CoderProperties.coderDeterministic(Customer.Coder.of(), customer, customer);
    }
    assertNotEquals(encode(Customer.Coder.of(), FULL), encode(Customer.Coder.of(), SPARSE));
  }

  @Test
  void readingsRoundTripIncludingSignedZeroAndExtremes() throws Exception {
    List<AccelerometerReading> readings =
        List.of(
            new AccelerometerReading("a@b.c", 1655564444103L, 1.0, -1.0, -0.0),
            new AccelerometerReading("a@b.c", Long.MIN_VALUE, Double.MAX_VALUE, Double.MIN_VALUE, 0.0),
            new AccelerometerReading("", Long.MAX_VALUE, 1e-300, -1e300, 3.141592653589793));
    for (AccelerometerReading reading : readings) {
      CoderProperties.coderDecodeEncodeEqual(AccelerometerReading.Coder.of(), reading);
    }
    CoderProperties.coderDecodeEncodeEqual(
        StepTrainerReading.Coder.of(), new StepTrainerReading(1655564444103L, "serial", 218));
    CoderProperties.coderDecodeEncodeEqual(
        MachineLearningRow.Coder.of(), new MachineLearningRow(-1L, "serial", Long.MAX_VALUE, -0.0, 1.5, 2));
    CoderProperties.coderDecodeEncodeEqual(
        QuarantinedLine.Coder.of(),
        new QuarantinedLine(Source.STEP_TRAINER, "s3://b/l/f.json.gz", 7, "{\"x\":", "malformed JSON: ..."));
  }

  @Test
  void equalRecordsEncodeEquallyAndDifferentOnesDifferently() throws Exception {
    AccelerometerReading a = new AccelerometerReading("a@b.c", 5, 1.0, 2.0, 3.0);
    AccelerometerReading same = new AccelerometerReading("a@b.c", 5, 1.0, 2.0, 3.0);
    AccelerometerReading other = new AccelerometerReading("a@b.c", 5, 1.0, 2.0, 3.0000000000000004);
    assertEquals(a, same);
    assertTrue(java.util.Arrays.equals(encode(AccelerometerReading.Coder.of(), a), encode(AccelerometerReading.Coder.of(), same)));
    assertNotEquals(a, other);
    assertTrue(!java.util.Arrays.equals(encode(AccelerometerReading.Coder.of(), a), encode(AccelerometerReading.Coder.of(), other)));
    assertTrue(AccelerometerReading.Coder.of().consistentWithEquals());
    AccelerometerReading.Coder.of().verifyDeterministic();
    Customer.Coder.of().verifyDeterministic();
    StepTrainerReading.Coder.of().verifyDeterministic();
    MachineLearningRow.Coder.of().verifyDeterministic();
  }

  @Test
  void defaultCoderAnnotationsResolveToTheHandWrittenCoders() throws Exception {
    CoderRegistry registry = CoderRegistry.createDefault();
    assertSame(Customer.Coder.of(), registry.getCoder(Customer.class));
    assertSame(AccelerometerReading.Coder.of(), registry.getCoder(AccelerometerReading.class));
    assertSame(StepTrainerReading.Coder.of(), registry.getCoder(StepTrainerReading.class));
    assertSame(MachineLearningRow.Coder.of(), registry.getCoder(MachineLearningRow.class));
    assertSame(QuarantinedLine.Coder.of(), registry.getCoder(QuarantinedLine.class));
  }

  @Test
  void everyTableDefinesItsColumnsOnceFromTheRecordTypes() {
    for (LakeTable table : LakeTable.values()) {
      List<String> recordFields =
          switch (table.source()) {
            case CUSTOMER -> names(Customer.class);
            case ACCELEROMETER -> names(AccelerometerReading.class);
            case STEP_TRAINER -> table == LakeTable.MACHINE_LEARNING_CURATED
                ? names(MachineLearningRow.class)
                : names(StepTrainerReading.class);
          };
      assertEquals(recordFields, table.columns().stream().map(Column::name).toList(), table.tableName());
      table.partitionTimeColumn()
          .ifPresent(
              column ->
                  assertTrue(
                      table.columns().stream().anyMatch(c -> c.name().equals(column) && c.type() == ColumnType.BIGINT),
                      table + " partitions on " + column));
    }
    assertEquals("step_trainer/curated", LakeTable.MACHINE_LEARNING_CURATED.path());
    assertEquals(LakeTable.CUSTOMERS_CURATED, LakeTable.byName(" Customers_Curated").orElseThrow());
  }

  private static List<String> names(Class<? extends Record> type) {
    return java.util.Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
  }

  private static <T> byte[] encode(Coder<T> coder, T value) throws Exception {
    return CoderUtils.encodeToByteArray(coder, value);
  }
}
