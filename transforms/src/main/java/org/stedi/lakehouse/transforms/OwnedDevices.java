package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.DeviceAttribution;

/**
 * The devices that given customers own by their readings ({@link DeviceOwnership}): each owned
 * device keyed by its serial number, with its owner's customer record. The input of {@link
 * SerialNumberJoin#readingsOfOwnedDevices} and {@link TimestampJoin#pairWithOwners}.
 *
 * <pre>{@code
 * PCollection<KV<String, Customer>> curatedDevices =
 *     devices.apply("KeepDevicesOfCuratedCustomers", OwnedDevices.of(customersCurated));
 * }</pre>
 *
 * <p><b>Input:</b> device attributions (one per device, as {@link DeviceOwnership} gives them) and,
 * given at construction, customers (normally customers_curated: one record per email). A device is
 * matched to a customer when its owner equals the customer's normalised email.
 *
 * <p><b>Output:</b> {@code KV(serialNumber, customer)} for every owned device and every customer
 * record of its owner's email; devices without an owner, and devices whose owner is none of the
 * customers, give nothing. A customer's {@code serialNumber} plays no part.
 *
 * <p>{@link #ofEmails} does the same for customers of any type keyed by email, for data without
 * {@link Customer} records.
 *
 * <p><b>Scale:</b> devices and customers are co-grouped by a hash of the email in bounded-size
 * buckets (about {@link GroupingOptions#getElementsPerBucket()} elements each); nothing is broadcast,
 * and a customer with many devices costs one entry per device.
 *
 * <p><b>Counters</b> (namespace {@code OwnedDevices}): {@code ownedDevices} (devices with an owner),
 * {@code devicesOfCustomers}, {@code devicesOfOthers} (owner is no given customer), {@code
 * customersOwningDevices}, {@code customersWithOtherSerial}: customers owning at least one device
 * whose {@code serialNumber} is none of their devices' (the serial-number bug, measured).
 *
 * <p><b>Batch only:</b> both inputs must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (Unless {@code --buckets} fixes their number, the buckets
 * are sized from the whole input: see {@link GroupingOptions}.)
 */
public final class OwnedDevices
    extends PTransform<PCollection<DeviceAttribution>, PCollection<KV<String, Customer>>> {

  /** Counter: the input devices that have an owner. */
  public static final String OWNED_DEVICES = "ownedDevices";

  /** Counter: the owned devices whose owner is one of the given customers. */
  public static final String DEVICES_OF_CUSTOMERS = "devicesOfCustomers";

  /** Counter: the owned devices whose owner is none of the given customers (they give no output). */
  public static final String DEVICES_OF_OTHERS = "devicesOfOthers";

  /** Counter: the customer records whose email owns at least one device. */
  public static final String CUSTOMERS_OWNING_DEVICES = "customersOwningDevices";

  /**
   * Counter: the customer records owning at least one device, whose {@code serialNumber} is none of
   * their devices' (the serial-number bug, measured).
   */
  public static final String CUSTOMERS_WITH_OTHER_SERIAL = "customersWithOtherSerial";

  private final PCollection<Customer> customers;

  private OwnedDevices(PCollection<Customer> customers) {
    this.customers = customers;
  }

  /** The devices owned by these customers. */
  public static OwnedDevices of(PCollection<Customer> customers) {
    return new OwnedDevices(requireNonNull(customers, "customers"));
  }

  /**
   * The devices owned by the given emails, each with the value of its owner's entries: {@code
   * KV(email, value)} in, {@code KV(serialNumber, value)} out. See {@link OfEmails}.
   */
  public static <V> OfEmails<V> ofEmails(PCollection<KV<String, V>> valuesByEmail) {
    return new OfEmails<>(requireNonNull(valuesByEmail, "valuesByEmail"));
  }

  @Override
  public PCollection<KV<String, Customer>> expand(PCollection<DeviceAttribution> devices) {
    BatchInputs.requireBounded("OwnedDevices.of", devices, customers);
    return match(
        devices, customers, Customer.Coder.of(), Customer::normalizedEmail, c -> c, Customer::serialNumber, Customer.Coder.of());
  }

  /**
   * The devices that given emails own by their readings, each keyed by its serial number with the
   * value its owner's email has: {@link OwnedDevices} for customers of any type.
   *
   * <p><b>Input:</b> device attributions, as for {@link OwnedDevices}, and, given at construction,
   * {@code KV(email, value)} with a {@code KvCoder}, emails compared trimmed and lower-cased with the
   * devices' owners. The value may be anything the later steps need of the owner: a research consent
   * date makes the output the input of {@link SerialNumberJoin#readingsOfDevices}; the email itself
   * gives that of {@link TimestampJoin#pairWithDeviceUsers}.
   *
   * <p><b>Output:</b> {@code KV(serialNumber, value)} for every owned device and every entry of its
   * owner's email; devices without an owner, and devices whose owner is none of the emails, give
   * nothing.
   *
   * <p><b>Scale</b> and <b>counters</b> as {@link OwnedDevices}'s, each entry counting as a customer,
   * except {@code customersWithOtherSerial}, which needs a customer's serial number and stays 0.
   * <b>Batch only</b>, as {@link OwnedDevices}.
   */
  public static final class OfEmails<V> extends PTransform<PCollection<DeviceAttribution>, PCollection<KV<String, V>>> {
    private final PCollection<KV<String, V>> valuesByEmail;

    private OfEmails(PCollection<KV<String, V>> valuesByEmail) {
      this.valuesByEmail = valuesByEmail;
    }

    @Override
    public PCollection<KV<String, V>> expand(PCollection<DeviceAttribution> devices) {
      BatchInputs.requireBounded("OwnedDevices.ofEmails", devices, valuesByEmail);
      if (!(valuesByEmail.getCoder() instanceof KvCoder<String, V> coder)) {
        throw new IllegalArgumentException(
            "OwnedDevices.ofEmails needs a KvCoder on its emails '" + valuesByEmail.getName() + "', not "
                + valuesByEmail.getCoder());
      }
      return match(
          devices, valuesByEmail, coder, e -> Customer.normalizeEmail(e.getKey()), KV::getValue, null, coder.getValueCoder());
    }
  }

  /**
   * Devices and customers co-grouped by email: per owned device and matching customer, {@code
   * KV(serialNumber, value(customer))}. {@code recordedSerial} (null if unknown) feeds {@link
   * #CUSTOMERS_WITH_OTHER_SERIAL}.
   */
  private static <T, V> PCollection<KV<String, V>> match(
      PCollection<DeviceAttribution> devices,
      PCollection<T> customers,
      Coder<T> customerCoder,
      SerializableFunction<T, String> normalizedEmail,
      SerializableFunction<T, V> value,
      SerializableFunction<T, String> recordedSerial,
      Coder<V> valueCoder) {
    KvCoder<String, String> ownerCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> owners =
        devices.apply("KeyDevicesByOwner", ParDo.of(new OwnerFn())).setCoder(ownerCoder);
    Buckets.Count buckets = Buckets.countFor("OwnerBuckets", List.of(owners, customers));
    return Buckets.coGroup(
            "GroupDevicesWithCustomers",
            Buckets.assign("BucketDevicesByOwner", owners, o -> o.getKey().hashCode(), buckets, ownerCoder),
            Buckets.assign(
                "BucketCustomersByEmail", customers, c -> normalizedEmail.apply(c).hashCode(), buckets, customerCoder))
        .apply("MatchDevicesToCustomers", ParDo.of(new MatchFn<>(normalizedEmail, value, recordedSerial)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), valueCoder));
  }

  private static final class OwnerFn extends DoFn<DeviceAttribution, KV<String, String>> {
    private final Counter owned = Metrics.counter(OwnedDevices.class, OWNED_DEVICES);

    @ProcessElement
    public void processElement(@Element DeviceAttribution device, OutputReceiver<KV<String, String>> out) {
      if (device.hasOwner()) {
        owned.inc();
        out.output(KV.of(device.owner(), device.serialNumber()));
      }
    }
  }

  private static final class MatchFn<T, V> extends DoFn<KV<Integer, Iterable<RawUnionValue>>, KV<String, V>> {
    private final SerializableFunction<T, String> normalizedEmail;
    private final SerializableFunction<T, V> value;
    private final SerializableFunction<T, String> recordedSerial;
    private final Counter ofCustomers = Metrics.counter(OwnedDevices.class, DEVICES_OF_CUSTOMERS);
    private final Counter ofOthers = Metrics.counter(OwnedDevices.class, DEVICES_OF_OTHERS);
    private final Counter owning = Metrics.counter(OwnedDevices.class, CUSTOMERS_OWNING_DEVICES);
    private final Counter otherSerial = Metrics.counter(OwnedDevices.class, CUSTOMERS_WITH_OTHER_SERIAL);

    MatchFn(
        SerializableFunction<T, String> normalizedEmail,
        SerializableFunction<T, V> value,
        SerializableFunction<T, String> recordedSerial) {
      this.normalizedEmail = normalizedEmail;
      this.value = value;
      this.recordedSerial = recordedSerial;
    }

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void processElement(
        @Element KV<Integer, Iterable<RawUnionValue>> bucket, OutputReceiver<KV<String, V>> out) {
      // One pass: the bucket's devices by owner, and its customers aside.
      Map<String, Set<String>> devicesByOwner = new HashMap<>();
      List<T> customers = new ArrayList<>();
      for (RawUnionValue element : bucket.getValue()) {
        if (element.getUnionTag() == Buckets.FIRST) {
          KV<String, String> owner = (KV<String, String>) element.getValue();
          devicesByOwner.computeIfAbsent(owner.getKey(), o -> new HashSet<>(2)).add(owner.getValue());
        } else {
          customers.add((T) element.getValue());
        }
      }
      Set<String> matched = new HashSet<>();
      for (T customer : customers) {
        String email = normalizedEmail.apply(customer);
        Set<String> devices = devicesByOwner.get(email);
        if (devices == null) {
          continue;
        }
        owning.inc();
        if (recordedSerial != null && !devices.contains(recordedSerial.apply(customer))) {
          otherSerial.inc();
        }
        V ownerValue = value.apply(customer);
        for (String serial : devices) {
          out.output(KV.of(serial, ownerValue));
        }
        matched.add(email);
      }
      long customerDevices = 0;
      long otherDevices = 0;
      for (Map.Entry<String, Set<String>> owner : devicesByOwner.entrySet()) {
        if (matched.contains(owner.getKey())) {
          customerDevices += owner.getValue().size();
        } else {
          otherDevices += owner.getValue().size();
        }
      }
      ofCustomers.inc(customerDevices);
      ofOthers.inc(otherDevices);
    }
  }
}
