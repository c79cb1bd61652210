package org.stedi.lakehouse.transforms;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;

/** Building blocks shared by the semi-joins: the consent side input and counted de-duplication. */
final class SemiJoins {

  /** The consent date of a customer without research consent: no reading is ever after it. */
  static final long NO_CONSENT = Long.MAX_VALUE;

  private SemiJoins() {}

  /**
   * A side input mapping a key of each customer (normalised email, serial number) to the earliest
   * research consent date among the customers with that key ({@link #NO_CONSENT} if none has one).
   * The per-key minimum is taken by a combiner over bounded-size {@link Buckets} of keys, so a key
   * shared by millions of customers costs one map entry, and the number of shuffle groups stays small.
   */
  static PCollectionView<Map<String, Long>> earliestConsentBy(
      PCollection<Customer> customers, String keyName, SerializableFunction<Customer, String> key) {
    PCollection<KV<String, Long>> consentByKey =
        customers.apply("KeyConsentBy" + keyName, ParDo.of(new ConsentByKeyFn(key))).setCoder(ENTRY_CODER);
    return earliestPerKey(consentByKey, keyName);
  }

  /**
   * The same side input from keyed customers (a device's serial number and its owner's record, say):
   * per key, the earliest research consent date of its customers.
   */
  static PCollectionView<Map<String, Long>> earliestConsentOf(
      PCollection<KV<String, Customer>> customersByKey, String keyName) {
    PCollection<KV<String, Long>> consentByKey =
        customersByKey.apply("KeyConsentBy" + keyName, ParDo.of(new KeyedConsentFn())).setCoder(ENTRY_CODER);
    return earliestPerKey(consentByKey, keyName);
  }

  /**
   * The same side input from given consent dates: per key, as {@code key} rewrites it (to normalise
   * emails, say), the earliest date; a null date means no consent ({@link #NO_CONSENT}).
   *
   * @throws IllegalArgumentException (when the pipeline runs) for a null key
   */
  static PCollectionView<Map<String, Long>> earliestConsentOfKeys(
      PCollection<KV<String, Long>> consentDates, String keyName, SerializableFunction<String, String> key) {
    PCollection<KV<String, Long>> consentByKey =
        consentDates.apply("KeyConsentBy" + keyName, ParDo.of(new GivenConsentFn(keyName, key))).setCoder(ENTRY_CODER);
    return earliestPerKey(consentByKey, keyName);
  }

  private static final KvCoder<String, Long> ENTRY_CODER = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());

  private static PCollectionView<Map<String, Long>> earliestPerKey(
      PCollection<KV<String, Long>> consentByKey, String keyName) {
    KvCoder<String, Long> entryCoder = ENTRY_CODER;
    Buckets.Count buckets = Buckets.countFor("ConsentBy" + keyName, List.of(consentByKey));
    return Buckets.assign(
            "BucketConsentBy" + keyName, consentByKey, entry -> entry.getKey().hashCode(), buckets, entryCoder)
        .apply("EarliestConsentPer" + keyName, Combine.perKey(new EarliestPerKeyFn()))
        .apply("ListEarliestConsentBy" + keyName, ParDo.of(new EntriesFn()))
        .setCoder(entryCoder)
        .apply("ViewConsentBy" + keyName, View.asMap());
  }

  private static final class ConsentByKeyFn extends DoFn<Customer, KV<String, Long>> {
    private final SerializableFunction<Customer, String> key;

    ConsentByKeyFn(SerializableFunction<Customer, String> key) {
      this.key = key;
    }

    @ProcessElement
    public void processElement(@Element Customer customer, OutputReceiver<KV<String, Long>> out) {
      Long since = customer.shareWithResearchAsOfDate();
      out.output(KV.of(key.apply(customer), since == null ? NO_CONSENT : since));
    }
  }

  private static final class KeyedConsentFn extends DoFn<KV<String, Customer>, KV<String, Long>> {
    @ProcessElement
    public void processElement(@Element KV<String, Customer> keyed, OutputReceiver<KV<String, Long>> out) {
      Long since = keyed.getValue().shareWithResearchAsOfDate();
      out.output(KV.of(keyed.getKey(), since == null ? NO_CONSENT : since));
    }
  }

  private static final class GivenConsentFn extends DoFn<KV<String, Long>, KV<String, Long>> {
    private final String keyName;
    private final SerializableFunction<String, String> key;

    GivenConsentFn(String keyName, SerializableFunction<String, String> key) {
      this.keyName = keyName;
      this.key = key;
    }

    @ProcessElement
    public void processElement(@Element KV<String, Long> given, OutputReceiver<KV<String, Long>> out) {
      if (given.getKey() == null) {
        throw new IllegalArgumentException(
            "a consent date keyed by a null " + keyName.toLowerCase(Locale.ROOT) + ": " + given);
      }
      Long since = given.getValue();
      out.output(KV.of(key.apply(given.getKey()), since == null ? NO_CONSENT : since));
    }
  }

  /** The smallest value per key, accumulated in a map (one entry per distinct key of a bucket). */
  private static final class EarliestPerKeyFn
      extends Combine.CombineFn<KV<String, Long>, HashMap<String, Long>, Map<String, Long>> {
    @Override
    public HashMap<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, Long> addInput(HashMap<String, Long> earliest, KV<String, Long> entry) {
      earliest.merge(entry.getKey(), entry.getValue(), Math::min);
      return earliest;
    }

    @Override
    public HashMap<String, Long> mergeAccumulators(Iterable<HashMap<String, Long>> accumulators) {
      HashMap<String, Long> merged = new HashMap<>();
      for (HashMap<String, Long> accumulator : accumulators) {
        accumulator.forEach((key, value) -> merged.merge(key, value, Math::min));
      }
      return merged;
    }

    @Override
    public Map<String, Long> extractOutput(HashMap<String, Long> earliest) {
      return earliest;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public org.apache.beam.sdk.coders.Coder<HashMap<String, Long>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<KV<String, Long>> inputCoder) {
      return (org.apache.beam.sdk.coders.Coder) MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }
  }

  private static final class EntriesFn extends DoFn<KV<Integer, Map<String, Long>>, KV<String, Long>> {
    @ProcessElement
    public void processElement(@Element KV<Integer, Map<String, Long>> bucket, OutputReceiver<KV<String, Long>> out) {
      bucket.getValue().forEach((key, value) -> out.output(KV.of(key, value)));
    }
  }

  /**
   * Each distinct element once. Elements are grouped into bounded-size {@link Buckets} by a hash of
   * their value, so all copies of an element meet in one bucket, which is de-duplicated in memory
   * (about {@link GroupingOptions#getElementsPerBucket()} elements); the copies beyond the first are added to
   * one counter, the distinct elements to the other.
   */
  static <T> DistinctCounting<T> distinctCounting(
      Class<?> namespace,
      String duplicatesCounter,
      String keptCounter,
      Coder<T> coder,
      SerializableFunction<T, Integer> valueHash) {
    return new DistinctCounting<>(namespace, duplicatesCounter, keptCounter, coder, valueHash);
  }

  static final class DistinctCounting<T> extends PTransform<PCollection<T>, PCollection<T>> {
    private final Class<?> namespace;
    private final String duplicatesCounter;
    private final String keptCounter;
    private final Coder<T> coder;
    private final SerializableFunction<T, Integer> valueHash;

    private DistinctCounting(
        Class<?> namespace,
        String duplicatesCounter,
        String keptCounter,
        Coder<T> coder,
        SerializableFunction<T, Integer> valueHash) {
      this.namespace = namespace;
      this.duplicatesCounter = duplicatesCounter;
      this.keptCounter = keptCounter;
      this.coder = coder;
      this.valueHash = valueHash;
    }

    @Override
    public PCollection<T> expand(PCollection<T> input) {
      Buckets.Count buckets = Buckets.countFor("Distinct", List.of(input));
      return Buckets.assign("AssignBuckets", input, valueHash, buckets, coder)
          .apply("GroupBuckets", GroupByKey.create())
          .apply("KeepOneCopy", ParDo.of(new KeepOneFn<T>(namespace, duplicatesCounter, keptCounter)))
          .setCoder(coder);
    }
  }

  private static final class KeepOneFn<T> extends DoFn<KV<Integer, Iterable<T>>, T> {
    private final Counter duplicates;
    private final Counter kept;

    KeepOneFn(Class<?> namespace, String duplicatesCounter, String keptCounter) {
      this.duplicates = Metrics.counter(namespace, duplicatesCounter);
      this.kept = Metrics.counter(namespace, keptCounter);
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, Iterable<T>> bucket, OutputReceiver<T> out) {
      Set<T> seen = new HashSet<>();
      long copies = 0;
      for (T element : bucket.getValue()) {
        if (seen.add(element)) {
          out.output(element);
        } else {
          copies++;
        }
      }
      duplicates.inc(copies);
      kept.inc(seen.size());
    }
  }
}
