package org.stedi.lakehouse.transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;

/**
 * The serial-number bug, measured in customer records: the serial numbers that the records of more
 * than one customer carry (the fulfillment website reused 30 of them for many customers).
 *
 * <p><b>Input:</b> customer records (normally every valid customer_landing record, superseded
 * records and exact duplicates included). Customers are told apart by normalised email, so the
 * several records of one customer never make a serial "shared".
 *
 * <p><b>Output:</b> {@code KV(serialNumber, records)} for each serial number carried by the records
 * of two or more emails, with the number of records that carry it.
 *
 * <p><b>Scale:</b> per serial number a combiner keeps the record count and at most two distinct
 * emails, in bounded-size buckets by a hash of the serial: constant memory per serial, however many
 * customers share it.
 *
 * <p><b>Counters</b> (namespace {@code SharedSerials}): {@code serials} (distinct),
 * {@code sharedSerials}, {@code recordsWithSharedSerial}.
 *
 * <p><b>Batch only:</b> every input must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (Unless {@code --buckets} fixes their number, the buckets
 * are sized from the whole input: see {@link GroupingOptions}.)
 */
public final class SharedSerials extends PTransform<PCollection<Customer>, PCollection<KV<String, Long>>> {

  /** Counter: the distinct serial numbers of the input records. */
  public static final String SERIALS = "serials";

  /** Counter: the serial numbers carried by the records of two or more emails (the output). */
  public static final String SHARED_SERIALS = "sharedSerials";

  /** Counter: the records that carry a shared serial number. */
  public static final String RECORDS_WITH_SHARED_SERIAL = "recordsWithSharedSerial";

  private SharedSerials() {}

  public static SharedSerials count() {
    return new SharedSerials();
  }

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<Customer> customers) {
    BatchInputs.requireBounded("SharedSerials", customers);
    KvCoder<String, String> entryCoder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> emailBySerial =
        customers.apply("KeyEmailsBySerial", ParDo.of(new EmailBySerialFn())).setCoder(entryCoder);
    Buckets.Count buckets = Buckets.countFor("SerialBuckets", List.of(emailBySerial));
    return Buckets.assign("BucketSerials", emailBySerial, e -> e.getKey().hashCode(), buckets, entryCoder)
        .apply("CountEmailsPerSerial", Combine.perKey(new PerSerialFn()))
        .apply("KeepSharedSerials", ParDo.of(new SharedFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  private static final class EmailBySerialFn extends DoFn<Customer, KV<String, String>> {
    @ProcessElement
    public void processElement(@Element Customer customer, OutputReceiver<KV<String, String>> out) {
      out.output(KV.of(customer.serialNumber(), customer.normalizedEmail()));
    }
  }

  /** Per serial: how many records carry it, and up to two of their distinct emails. */
  static final class Holders {
    long records;
    String first;
    String second;

    void add(String email, long count) {
      records += count;
      if (first == null) {
        first = email;
      } else if (second == null && !first.equals(email)) {
        second = email;
      }
    }

    boolean shared() {
      return second != null;
    }

    static final class Coder extends org.apache.beam.sdk.coders.AtomicCoder<Holders> {
      static final Coder INSTANCE = new Coder();
      private static final NullableCoder<String> EMAILS = NullableCoder.of(StringUtf8Coder.of());

      @Override
      public void encode(Holders value, java.io.OutputStream out) throws java.io.IOException {
        VarLongCoder.of().encode(value.records, out);
        EMAILS.encode(value.first, out);
        EMAILS.encode(value.second, out);
      }

      @Override
      public Holders decode(java.io.InputStream in) throws java.io.IOException {
        Holders value = new Holders();
        value.records = VarLongCoder.of().decode(in);
        value.first = EMAILS.decode(in);
        value.second = EMAILS.decode(in);
        return value;
      }
    }
  }

  private static final class PerSerialFn
      extends Combine.CombineFn<KV<String, String>, HashMap<String, Holders>, Map<String, Holders>> {
    @Override
    public HashMap<String, Holders> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, Holders> addInput(HashMap<String, Holders> serials, KV<String, String> entry) {
      serials.computeIfAbsent(entry.getKey(), s -> new Holders()).add(entry.getValue(), 1);
      return serials;
    }

    @Override
    public HashMap<String, Holders> mergeAccumulators(Iterable<HashMap<String, Holders>> accumulators) {
      HashMap<String, Holders> merged = new HashMap<>();
      for (HashMap<String, Holders> serials : accumulators) {
        serials.forEach(
            (serial, holders) -> {
              Holders into = merged.computeIfAbsent(serial, s -> new Holders());
              into.add(holders.first, holders.records);
              if (holders.second != null) {
                into.add(holders.second, 0);
              }
            });
      }
      return merged;
    }

    @Override
    public Map<String, Holders> extractOutput(HashMap<String, Holders> serials) {
      return serials;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<HashMap<String, Holders>> getAccumulatorCoder(CoderRegistry registry, Coder<KV<String, String>> input) {
      return (Coder) MapCoder.of(StringUtf8Coder.of(), Holders.Coder.INSTANCE);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Coder<Map<String, Holders>> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<String, String>> input) {
      return (Coder) MapCoder.of(StringUtf8Coder.of(), Holders.Coder.INSTANCE);
    }
  }

  private static final class SharedFn extends DoFn<KV<Integer, Map<String, Holders>>, KV<String, Long>> {
    private final Counter serials = Metrics.counter(SharedSerials.class, SERIALS);
    private final Counter shared = Metrics.counter(SharedSerials.class, SHARED_SERIALS);
    private final Counter records = Metrics.counter(SharedSerials.class, RECORDS_WITH_SHARED_SERIAL);

    @ProcessElement
    public void processElement(@Element KV<Integer, Map<String, Holders>> bucket, OutputReceiver<KV<String, Long>> out) {
      for (Map.Entry<String, Holders> serial : bucket.getValue().entrySet()) {
        serials.inc();
        if (serial.getValue().shared()) {
          shared.inc();
          records.inc(serial.getValue().records);
          out.output(KV.of(serial.getKey(), serial.getValue().records));
        }
      }
    }
  }
}
