package com.example.otherteam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;
import org.stedi.lakehouse.model.StepTrainerReading;
import org.stedi.lakehouse.transforms.ConsentFilter;
import org.stedi.lakehouse.transforms.DeviceOwnership;
import org.stedi.lakehouse.transforms.EmailJoin;
import org.stedi.lakehouse.transforms.OwnedDevices;
import org.stedi.lakehouse.transforms.SerialNumberJoin;
import org.stedi.lakehouse.transforms.SharedSerials;
import org.stedi.lakehouse.transforms.TimestampJoin;

/**
 * Every transform refuses an unbounded input, whether it is the main input or one given at
 * construction, with a message that names the transform and the input. Only the graph is built.
 */
class BatchOnlyTest {
  private final Pipeline pipeline = Pipeline.create();

  private <T> PCollection<T> unbounded(String name, Class<T> type, SerializableFunction<Long, T> element, Coder<T> coder) {
    return unbounded(name, TypeDescriptor.of(type), element, coder);
  }

  private <T> PCollection<T> unbounded(
      String name, TypeDescriptor<T> type, SerializableFunction<Long, T> element, Coder<T> coder) {
    return pipeline
        .apply(name, GenerateSequence.from(0))
        .apply(name + "Elements", MapElements.into(type).via(element))
        .setCoder(coder);
  }

  /** {@code KV(key + i, i)} for ever. */
  private PCollection<KV<String, Long>> unboundedPairs(String name, String key) {
    return unbounded(
        name,
        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()),
        i -> KV.of(key + i, i),
        KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  private PCollection<KV<String, Long>> pairs(String name) {
    return pipeline.apply(name, Create.empty(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
  }

  private PCollection<Customer> unboundedCustomers() {
    return unbounded(
        "UnboundedCustomers",
        Customer.class,
        i -> new Customer(null, i + "@example.com", null, null, "serial-" + i, null, null, 1L, null, null),
        Customer.Coder.of());
  }

  private PCollection<AccelerometerReading> unboundedPhones() {
    return unbounded(
        "UnboundedPhones",
        AccelerometerReading.class,
        i -> new AccelerometerReading("a@example.com", i, 0, 0, 0),
        AccelerometerReading.Coder.of());
  }

  private PCollection<StepTrainerReading> unboundedSteps() {
    return unbounded(
        "UnboundedSteps", StepTrainerReading.class, i -> new StepTrainerReading(i, "serial-1", 1), StepTrainerReading.Coder.of());
  }

  private PCollection<Customer> customers() {
    return pipeline.apply("Customers", Create.empty(Customer.Coder.of()));
  }

  private PCollection<AccelerometerReading> phones() {
    return pipeline.apply("Phones", Create.empty(AccelerometerReading.Coder.of()));
  }

  private PCollection<StepTrainerReading> steps() {
    return pipeline.apply("Steps", Create.empty(StepTrainerReading.Coder.of()));
  }

  private PCollection<KV<String, Customer>> ownedDevices() {
    return pipeline.apply("OwnedDevices", Create.empty(KvCoder.of(StringUtf8Coder.of(), Customer.Coder.of())));
  }

  private static <T, OutputT extends POutput> void assertRejects(
      String transform, PCollection<?> unbounded, PCollection<T> input, PTransform<PCollection<T>, OutputT> applied) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> input.apply(applied));
    assertEquals(
        transform + " works on bounded (batch) input; the input '" + unbounded.getName() + "' is unbounded",
        e.getMessage());
  }

  @Test
  void consentFilterRejectsUnboundedCustomers() {
    PCollection<Customer> customers = unboundedCustomers();
    assertRejects("ConsentFilter", customers, customers, ConsentFilter.create());
  }

  @Test
  void sharedSerialsRejectsUnboundedCustomers() {
    PCollection<Customer> customers = unboundedCustomers();
    assertRejects("SharedSerials", customers, customers, SharedSerials.count());
  }

  @Test
  void emailJoinReadingsOfRejectsUnboundedReadingsAndUnboundedCustomers() {
    PCollection<AccelerometerReading> readings = unboundedPhones();
    assertRejects("EmailJoin.readingsOf", readings, readings, EmailJoin.readingsOf(customers()));
    PCollection<Customer> customers = unboundedCustomers();
    assertRejects("EmailJoin.readingsOf", customers, phones(), EmailJoin.readingsOf(customers).withConsentSinceDate(true));
  }

  @Test
  void emailJoinCustomersWithReadingsRejectsUnboundedReadings() {
    PCollection<AccelerometerReading> readings = unboundedPhones();
    assertRejects("EmailJoin.customersWithReadings", readings, customers(), EmailJoin.customersWithReadings(readings));
  }

  @Test
  void serialNumberJoinRejectsUnboundedReadingsAndUnboundedDevices() {
    PCollection<StepTrainerReading> readings = unboundedSteps();
    assertRejects("SerialNumberJoin.readingsOf", readings, readings, SerialNumberJoin.readingsOf(customers()));
    PCollection<KV<String, Customer>> owned =
        unboundedCustomers()
            .apply("KeyBySerial", MapElements.via(new KeyBySerial()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), Customer.Coder.of()));
    assertRejects(
        "SerialNumberJoin.readingsOfOwnedDevices", owned, steps(), SerialNumberJoin.readingsOfOwnedDevices(owned));
  }

  @Test
  void timestampJoinRejectsUnboundedStepsAndUnboundedPhones() {
    PCollection<StepTrainerReading> readings = unboundedSteps();
    assertRejects(
        "TimestampJoin.pairWithOwners", readings, readings, TimestampJoin.pairWithOwners(phones(), ownedDevices()));
    PCollection<AccelerometerReading> phones = unboundedPhones();
    assertRejects("TimestampJoin.pairWith", phones, steps(), TimestampJoin.pairWith(phones, customers()));
  }

  @Test
  void deviceOwnershipRejectsUnboundedPhones() {
    PCollection<AccelerometerReading> phones = unboundedPhones();
    assertRejects("DeviceOwnership.fromPhones", phones, steps(), DeviceOwnership.fromPhones(phones));
  }

  @Test
  void ownedDevicesRejectsUnboundedCustomers() {
    PCollection<Customer> customers = unboundedCustomers();
    PCollection<DeviceAttribution> devices = pipeline.apply("Devices", Create.empty(DeviceAttribution.Coder.of()));
    assertRejects("OwnedDevices.of", customers, devices, OwnedDevices.of(customers));
  }

  @Test
  void theKeyFormsRejectUnboundedInputs() {
    PCollection<AccelerometerReading> phones = phones();
    PCollection<StepTrainerReading> steps = steps();
    PCollection<KV<String, Long>> people = unboundedPairs("UnboundedPeople", "person-");
    assertRejects(
        "ConsentFilter.perEmail", people, people, ConsentFilter.<Long>perEmail(updated -> updated, consent -> consent));

    PCollection<KV<String, Long>> consentByEmail = unboundedPairs("UnboundedConsentDates", "email-");
    assertRejects("EmailJoin.readingsOfEmails", consentByEmail, phones, EmailJoin.readingsOfEmails(consentByEmail));

    PCollection<KV<String, Long>> keyedCustomers = unboundedPairs("UnboundedKeyedCustomers", "email-");
    assertRejects(
        "EmailJoin.emailsWithReadings", keyedCustomers, keyedCustomers, EmailJoin.<Long>emailsWithReadings(phones));

    PCollection<KV<String, Long>> consentBySerial = unboundedPairs("UnboundedDeviceConsent", "serial-");
    assertRejects(
        "SerialNumberJoin.readingsOfDevices", consentBySerial, steps, SerialNumberJoin.readingsOfDevices(consentBySerial));

    PCollection<KV<String, String>> users =
        unbounded(
            "UnboundedDeviceUsers",
            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()),
            i -> KV.of("serial-" + i, i + "@example.com"),
            KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    assertRejects("TimestampJoin.pairWithDeviceUsers", users, steps, TimestampJoin.pairWithDeviceUsers(phones, users));

    PCollection<KV<String, Long>> owners = unboundedPairs("UnboundedOwners", "email-");
    PCollection<DeviceAttribution> devices = pipeline.apply("Devices", Create.empty(DeviceAttribution.Coder.of()));
    assertRejects("OwnedDevices.ofEmails", owners, devices, OwnedDevices.ofEmails(owners));

    PCollection<KV<String, Long>> deviceTimes = unboundedPairs("UnboundedDeviceTimes", "serial-");
    assertRejects(
        "DeviceOwnership.fromPhoneTimes", deviceTimes, deviceTimes, DeviceOwnership.fromPhoneTimes(pairs("PhoneTimes")));
  }

  private static final class KeyBySerial extends SimpleFunction<Customer, KV<String, Customer>> {
    @Override
    public KV<String, Customer> apply(Customer customer) {
      return KV.of(customer.serialNumber(), customer);
    }
  }
}
