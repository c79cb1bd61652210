package com.example.otherteam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.DeviceAttribution.Verdict;
import org.stedi.lakehouse.model.MachineLearningRow;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.transforms.ConsentFilter;
import org.stedi.lakehouse.transforms.DeviceOwnership;
import org.stedi.lakehouse.transforms.EmailJoin;
import org.stedi.lakehouse.transforms.OwnedDevices;
import org.stedi.lakehouse.transforms.SerialNumberJoin;
import org.stedi.lakehouse.transforms.TimestampJoin;

/**
 * Another team's data as Beam rows (as Beam SQL or a schema-aware IO gives them), through the
 * public API only: rows converted with the records' {@code fromRows}, and the forms of the
 * transforms that take only the keys they need, so that nobody builds a {@link Customer} with an
 * invented serial number.
 */
@ExtendWith(TestPipelineExtension.class)
class OtherTeamsDataTest {
  private static final long T = 1_655_564_444_103L;

  /** The other team's people: no serial number, other column names, an extra column. */
  private static final Schema PEOPLE =
      Schema.builder()
          .addStringField("email")
          .addStringField("team")
          .addNullableField("updatedAt", FieldType.INT64)
          .addNullableField("researchConsentAt", FieldType.INT64)
          .build();

  /** Their phone readings: the accelerometer columns in another order, and a device model. */
  private static final Schema PHONE_ROWS =
      Schema.builder()
          .addInt64Field("timestamp")
          .addStringField("model")
          .addStringField("user")
          .addDoubleField("z")
          .addDoubleField("y")
          .addDoubleField("x")
          .build();

  private static final Schema STEP_ROWS =
      Schema.builder()
          .addStringField("serialNumber")
          .addInt64Field("sensorReadingTime")
          .addInt64Field("distanceFromObject")
          .addStringField("firmware")
          .build();

  private static Row person(String email, Long updatedAt, Long researchConsentAt) {
    return Row.withSchema(PEOPLE).addValues(email, "research", updatedAt, researchConsentAt).build();
  }

  private static Row phone(String user, long timestamp, double x) {
    return Row.withSchema(PHONE_ROWS).addValues(timestamp, "pixel", user, 9.8, 0.5, x).build();
  }

  private static Row step(String serial, long time, long distance) {
    return Row.withSchema(STEP_ROWS).addValues(serial, time, distance, "1.2").build();
  }

  private static long counter(PipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(MetricsFilter.builder().addNameFilter(MetricNameFilter.named(namespace, name)).build())
            .getCounters()) {
      total += counter.getCommitted();
    }
    return total;
  }

  private static PCollection<KV<String, Row>> keyedPeople(TestPipeline pipeline, Row... people) {
    PCollection<Row> rows = pipeline.apply("People", Create.of(List.of(people)).withRowSchema(PEOPLE));
    return rows.apply(
            "KeyPeopleByEmail", WithKeys.<String, Row>of(r -> r.getString("email")).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), rows.getCoder()));
  }

  private static PCollection<KV<String, Long>> consentDates(PCollection<KV<String, Row>> people) {
    return people
        .apply(
            "ConsentDateByEmail",
            MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via((KV<String, Row> p) -> KV.of(p.getKey(), p.getValue().getInt64("researchConsentAt"))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  @Test
  void consentAndEmailJoinsRunOnRowsKeyedByEmail(TestPipeline pipeline) {
    Row anaOld = person("ana@example.com", 1L, 5L);
    Row anaNew = person("ana@example.com", 2L, 7L);
    Row boConsented = person("bo@example.com", 1L, 3L);
    Row boWithdrew = person("bo@example.com", 2L, null);
    Row cyConsenting = person("cy@example.com", 3L, 1L);
    Row cyNot = person("CY@example.com", 3L, null);
    Row dee = person("dee@example.com", null, 4L);
    Row eve = person("eve@example.com", 1L, 1L);

    PCollection<KV<String, Row>> current =
        keyedPeople(pipeline, anaOld, anaNew, boConsented, boWithdrew, cyConsenting, cyNot, dee, eve)
            .apply("KeepConsenting", ConsentFilter.<Row>perEmail(r -> r.getInt64("updatedAt"), r -> r.getInt64("researchConsentAt")));

    AccelerometerReading anaAfter = new AccelerometerReading("ana@example.com", 8, 1, 0.5, 9.8);
    AccelerometerReading anaBefore = new AccelerometerReading("ana@example.com", 6, 1, 0.5, 9.8);
    AccelerometerReading anaShouting = new AccelerometerReading(" ANA@example.com", 9, 1, 0.5, 9.8);
    AccelerometerReading deeAtConsent = new AccelerometerReading("dee@example.com", 4, 2, 0.5, 9.8);
    PCollection<AccelerometerReading> readings =
        pipeline
            .apply(
                "PhoneRows",
                Create.of(
                        phone("ana@example.com", 8, 1),
                        phone("ana@example.com", 8, 1),
                        phone("ana@example.com", 6, 1),
                        phone(" ANA@example.com", 9, 1),
                        phone("bo@example.com", 10, 1),
                        phone("dee@example.com", 4, 2))
                    .withRowSchema(PHONE_ROWS))
            .apply(AccelerometerReading.fromRows());
    PCollection<AccelerometerReading> trusted =
        readings.apply(
            "KeepTrustedReadings", EmailJoin.readingsOfEmails(consentDates(current)).withConsentSinceDate(true));
    PCollection<KV<String, Row>> withReadings =
        current.apply("KeepPeopleWithReadings", EmailJoin.emailsWithReadings(trusted));

    // Bo withdrew; of Cy's two current records the one without consent wins; Eve has no reading.
    PAssert.that(current)
        .containsInAnyOrder(
            List.of(KV.of("ana@example.com", anaNew), KV.of("dee@example.com", dee), KV.of("eve@example.com", eve)));
    PAssert.that(trusted).containsInAnyOrder(anaAfter, anaShouting, deeAtConsent);
    PAssert.that(withReadings)
        .containsInAnyOrder(List.of(KV.of("ana@example.com", anaNew), KV.of("dee@example.com", dee)));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(8, counter(result, ConsentFilter.class, ConsentFilter.RECORDS));
    assertEquals(2, counter(result, ConsentFilter.class, ConsentFilter.WITHOUT_CONSENT));
    assertEquals(1, counter(result, EmailJoin.class, EmailJoin.READINGS_BEFORE_CONSENT));
    assertEquals(1, counter(result, EmailJoin.class, EmailJoin.READINGS_OF_UNKNOWN_USERS));
    assertEquals(1, counter(result, EmailJoin.class, EmailJoin.DUPLICATE_READINGS));
    assertEquals(1, counter(result, EmailJoin.class, EmailJoin.CUSTOMERS_WITHOUT_READINGS));
  }

  @Test
  void aNullConsentDateAdmitsAnEmailOrDeviceButNoneOfItsReadingsSinceConsent(TestPipeline pipeline) {
    KvCoder<String, Long> nullableDates = KvCoder.of(StringUtf8Coder.of(), NullableCoder.of(VarLongCoder.of()));
    PCollection<KV<String, Long>> byEmail =
        pipeline.apply("ConsentByEmail", Create.of(List.of(KV.of("ana@example.com", (Long) null))).withCoder(nullableDates));
    PCollection<KV<String, Long>> bySerial =
        pipeline.apply("ConsentBySerial", Create.of(List.of(KV.of("serial-A", (Long) null))).withCoder(nullableDates));
    AccelerometerReading ana = new AccelerometerReading("ana@example.com", 8, 1, 0.5, 9.8);
    PCollection<AccelerometerReading> readings =
        pipeline.apply("Readings", Create.of(ana, new AccelerometerReading("bo@example.com", 8, 1, 0.5, 9.8)));
    StepTrainerReading step = new StepTrainerReading(8, "serial-A", 100);
    PCollection<StepTrainerReading> steps =
        pipeline.apply("Steps", Create.of(step, new StepTrainerReading(8, "serial-B", 100)));

    PAssert.that(readings.apply("AnyDate", EmailJoin.readingsOfEmails(byEmail))).containsInAnyOrder(ana);
    PAssert.that(readings.apply("SinceConsent", EmailJoin.readingsOfEmails(byEmail).withConsentSinceDate(true)))
        .empty();
    PAssert.that(steps.apply("AnyDeviceDate", SerialNumberJoin.readingsOfDevices(bySerial))).containsInAnyOrder(step);
    PAssert.that(steps.apply("DeviceSinceConsent", SerialNumberJoin.readingsOfDevices(bySerial).withConsentSinceDate(true)))
        .empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void customerRowsFeedTheCustomerForms(TestPipeline pipeline) {
    // The customer schema's fields reordered, with an extra one and without most optional ones;
    // Bo's current record withdrew consent, and serial-A's reading at 4 precedes Ana's consent.
    Schema customers =
        Schema.builder()
            .addStringField("serialNumber")
            .addStringField("source")
            .addNullableField("shareWithResearchAsOfDate", FieldType.INT64)
            .addStringField("email")
            .addNullableField("lastUpdateDate", FieldType.INT64)
            .build();
    Customer ana = new Customer(null, "ana@example.com", null, null, "serial-A", null, 2L, 5L, null, null);
    PCollection<Customer> trusted =
        pipeline
            .apply(
                "CustomerRows",
                Create.of(
                        Row.withSchema(customers).addValues("serial-A", "crm", 5L, "ana@example.com", 2L).build(),
                        Row.withSchema(customers).addValues("serial-A", "crm", 3L, "bo@example.com", 1L).build(),
                        Row.withSchema(customers).addValues("serial-A", "crm", null, "bo@example.com", 2L).build())
                    .withRowSchema(customers))
            .apply(Customer.fromRows())
            .apply("KeepConsenting", ConsentFilter.create());

    StepTrainerReading later = new StepTrainerReading(5, "serial-A", 101);
    PCollection<StepTrainerReading> steps =
        pipeline
            .apply(
                "StepRows",
                Create.of(step("serial-A", 4, 100), step("serial-A", 5, 101), step("serial-B", 5, 102))
                    .withRowSchema(STEP_ROWS))
            .apply(StepTrainerReading.fromRows());
    PCollection<StepTrainerReading> kept =
        steps.apply("KeepKnownSerials", SerialNumberJoin.readingsOf(trusted).withConsentSinceDate(true));

    PAssert.that(trusted).containsInAnyOrder(ana);
    PAssert.that(kept).containsInAnyOrder(later);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void deviceJoinsRunOnRowsAndKeysAlone(TestPipeline pipeline) {
    // serial-A is Ana's by her phone, serial-B Bo's (who never consented), serial-C nobody's.
    PCollection<AccelerometerReading> phones =
        pipeline
            .apply(
                "PhoneRows",
                Create.of(
                        phone("Ana@Example.com", T, 1),
                        phone("Ana@Example.com", T + 1000, 2),
                        phone("Ana@Example.com", T + 2000, 3),
                        phone("bo@example.com", T + 5000, 4),
                        phone("bo@example.com", T + 6000, 5))
                    .withRowSchema(PHONE_ROWS))
            .apply(AccelerometerReading.fromRows());
    PCollection<StepTrainerReading> steps =
        pipeline
            .apply(
                "StepRows",
                Create.of(
                        step("serial-A", T, 200),
                        step("serial-A", T + 1000, 201),
                        step("serial-A", T + 1000, 201),
                        step("serial-A", T + 2000, 202),
                        step("serial-B", T + 5000, 300),
                        step("serial-B", T + 6000, 301),
                        step("serial-C", T + 9000, 400))
                    .withRowSchema(STEP_ROWS))
            .apply(StepTrainerReading.fromRows());

    PCollection<DeviceAttribution> devices = steps.apply("AttributeDevices", DeviceOwnership.fromPhones(phones));

    // Ana consented at T + 1000, Eve too but has no device; Bo is not among the consenting.
    PCollection<KV<String, Long>> consenting =
        pipeline.apply(
            "Consenting",
            Create.of(List.of(KV.of("ana@example.com", T + 1000), KV.of("eve@example.com", 1L)))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    PCollection<KV<String, Long>> consentByDevice =
        devices.apply("ConsentOfOwnedDevices", OwnedDevices.ofEmails(consenting));
    PCollection<StepTrainerReading> trustedSteps =
        steps.apply("KeepReadingsOfDevices", SerialNumberJoin.readingsOfDevices(consentByDevice).withConsentSinceDate(true));

    PCollection<KV<String, String>> usersByDevice =
        devices.apply(
            "UsersOfOwnedDevices",
            OwnedDevices.ofEmails(
                pipeline.apply(
                    "ConsentingEmails",
                    Create.of(List.of(KV.of("ana@example.com", "ana@example.com")))
                        .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))));
    PCollection<Row> machineLearning =
        trustedSteps
            .apply("PairWithDeviceUsers", TimestampJoin.pairWithDeviceUsers(phones, usersByDevice))
            .apply(MachineLearningRow.toRows());

    PAssert.that(devices)
        .containsInAnyOrder(
            new DeviceAttribution("serial-A", Verdict.OWNED, "ana@example.com", 3, 3, 0),
            new DeviceAttribution("serial-B", Verdict.OWNED, "bo@example.com", 2, 2, 0),
            new DeviceAttribution("serial-C", Verdict.NO_PHONE, null, 1, 0, 0));
    PAssert.that(consentByDevice).containsInAnyOrder(List.of(KV.of("serial-A", T + 1000)));
    PAssert.that(trustedSteps)
        .containsInAnyOrder(new StepTrainerReading(T + 1000, "serial-A", 201), new StepTrainerReading(T + 2000, "serial-A", 202));
    PAssert.that(usersByDevice).containsInAnyOrder(List.of(KV.of("serial-A", "ana@example.com")));
    PAssert.that(machineLearning)
        .containsInAnyOrder(
            new MachineLearningRow(T + 1000, "serial-A", 201, 2, 0.5, 9.8).toRow(),
            new MachineLearningRow(T + 2000, "serial-A", 202, 3, 0.5, 9.8).toRow());
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    // Both OwnedDevices steps leave out Bo's device.
    assertEquals(2, counter(result, OwnedDevices.class, OwnedDevices.DEVICES_OF_OTHERS));
    assertEquals(1, counter(result, SerialNumberJoin.class, SerialNumberJoin.READINGS_BEFORE_CONSENT));
    assertEquals(3, counter(result, SerialNumberJoin.class, SerialNumberJoin.READINGS_OF_OTHER_DEVICES));
    assertEquals(2, counter(result, TimestampJoin.class, TimestampJoin.PAIRS));
  }

  @Test
  void ownershipFromTimesAloneGivesTheVerdictsOfTheReadings(TestPipeline pipeline) {
    // serial-A: Ana at all three moments, Bo at one. serial-B: Ana and Cy each at both (a tie).
    // serial-C: Bo at one of three moments (no majority).
    PCollection<KV<String, Long>> phoneTimes =
        pipeline.apply(
            "PhoneTimes",
            Create.of(
                    KV.of("ana@example.com", T),
                    KV.of("ana@example.com", T),
                    KV.of(" ANA@example.com", T + 1),
                    KV.of("ana@example.com", T + 2),
                    KV.of("bo@example.com", T + 2),
                    KV.of("ana@example.com", T + 10),
                    KV.of("cy@example.com", T + 10),
                    KV.of("ana@example.com", T + 11),
                    KV.of("cy@example.com", T + 11),
                    KV.of("bo@example.com", T + 20))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    PCollection<DeviceAttribution> devices =
        pipeline
            .apply(
                "DeviceTimes",
                Create.of(
                        KV.of("serial-A", T),
                        KV.of("serial-A", T + 1),
                        KV.of("serial-A", T + 2),
                        KV.of("serial-A", T + 2),
                        KV.of("serial-B", T + 10),
                        KV.of("serial-B", T + 11),
                        KV.of("serial-C", T + 20),
                        KV.of("serial-C", T + 21),
                        KV.of("serial-C", T + 22))
                    .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
            .apply("AttributeDevices", DeviceOwnership.fromPhoneTimes(phoneTimes));

    PAssert.that(devices.apply(DeviceAttribution.toRows()).apply(DeviceAttribution.fromRows()))
        .containsInAnyOrder(
            new DeviceAttribution("serial-A", Verdict.OWNED, "ana@example.com", 3, 3, 1),
            new DeviceAttribution("serial-B", Verdict.TIE, null, 2, 2, 2),
            new DeviceAttribution("serial-C", Verdict.NO_MAJORITY, null, 3, 1, 0));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(9, counter(result, DeviceOwnership.class, DeviceOwnership.STEP_READINGS));
    assertEquals(10, counter(result, DeviceOwnership.class, DeviceOwnership.PHONE_READINGS));
    assertEquals(1, counter(result, DeviceOwnership.class, DeviceOwnership.DEVICES_TIED));
  }
}
