package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
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
 * <p><b>Scale:</b> devices and customers are co-grouped by a hash of the email in size-adaptive
 * buckets (about {@link GroupingOptions#getElementsPerBucket()} elements each); nothing is broadcast,
 * and a customer with many devices costs one entry per device.
 *
 * <p><b>Counters</b> (namespace {@code OwnedDevices}): {@code ownedDevices} (devices with an owner),
 * {@code devicesOfCustomers}, {@code devicesOfOthers} (owner is no given customer), {@code
 * customersOwningDevices}, {@code customersWithOtherSerial}: customers owning at least one device
 * whose {@code serialNumber} is none of their devices' (the serial-number bug, measured).
 *
 * <p><b>Batch only:</b> both inputs must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (The size-adaptive buckets are sized from the
 * whole input.)
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

  @Override
  public PCollection<KV<String, Customer>> expand(PCollection<DeviceAttribution> devices) {
    BatchInputs.requireBounded("OwnedDevices.of", devices, customers);
    KvCoder<String, String> ownerCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> owners =
        devices.apply("KeyDevicesByOwner", ParDo.of(new OwnerFn())).setCoder(ownerCoder);
    PCollectionView<Integer> buckets = Buckets.countFor("OwnerBuckets", List.of(owners, customers));
    return Buckets.coGroup(
            "GroupDevicesWithCustomers",
            Buckets.assign("BucketDevicesByOwner", owners, o -> o.getKey().hashCode(), buckets, ownerCoder),
            Buckets.assign(
                "BucketCustomersByEmail", customers, c -> c.normalizedEmail().hashCode(), buckets, Customer.Coder.of()))
        .apply("MatchDevicesToCustomers", ParDo.of(new MatchFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), Customer.Coder.of()));
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

  private static final class MatchFn extends DoFn<KV<Integer, Iterable<RawUnionValue>>, KV<String, Customer>> {
    private final Counter ofCustomers = Metrics.counter(OwnedDevices.class, DEVICES_OF_CUSTOMERS);
    private final Counter ofOthers = Metrics.counter(OwnedDevices.class, DEVICES_OF_OTHERS);
    private final Counter owning = Metrics.counter(OwnedDevices.class, CUSTOMERS_OWNING_DEVICES);
    private final Counter otherSerial = Metrics.counter(OwnedDevices.class, CUSTOMERS_WITH_OTHER_SERIAL);

    @ProcessElement
    @SuppressWarnings("unchecked")
    public void processElement(
        @Element KV<Integer, Iterable<RawUnionValue>> bucket, OutputReceiver<KV<String, Customer>> out) {
      // One pass: the bucket's devices by owner, and its customers aside.
      Map<String, Set<String>> devicesByOwner = new HashMap<>();
      List<Customer> customers = new ArrayList<>();
      for (RawUnionValue element : bucket.getValue()) {
        if (element.getUnionTag() == Buckets.FIRST) {
          KV<String, String> owner = (KV<String, String>) element.getValue();
          devicesByOwner.computeIfAbsent(owner.getKey(), o -> new HashSet<>(2)).add(owner.getValue());
        } else {
          customers.add((Customer) element.getValue());
        }
      }
      Set<String> matched = new HashSet<>();
      for (Customer customer : customers) {
        Set<String> devices = devicesByOwner.get(customer.normalizedEmail());
        if (devices == null) {
          continue;
        }
        owning.inc();
        if (!devices.contains(customer.serialNumber())) {
          otherSerial.inc();
        }
        for (String serial : devices) {
          out.output(KV.of(serial, customer));
        }
        matched.add(customer.normalizedEmail());
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
