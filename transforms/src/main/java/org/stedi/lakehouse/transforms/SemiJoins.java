package org.stedi.lakehouse.transforms;

import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Min;
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
   * The per-key minimum is a combiner, so a key shared by millions of customers costs one value.
   */
  static PCollectionView<Map<String, Long>> earliestConsentBy(
      PCollection<Customer> customers, String keyName, SerializableFunction<Customer, String> key) {
    return customers
        .apply("KeyConsentBy" + keyName, ParDo.of(new ConsentByKeyFn(key)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("EarliestConsentPer" + keyName, Min.longsPerKey())
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

  /**
   * Each distinct element once. The count per element is a combiner (no element's copies are held
   * together in memory); the copies beyond the first are added to one counter, the distinct
   * elements to the other.
   */
  static <T> DistinctCounting<T> distinctCounting(
      Class<?> namespace, String duplicatesCounter, String keptCounter, Coder<T> coder) {
    return new DistinctCounting<>(namespace, duplicatesCounter, keptCounter, coder);
  }

  static final class DistinctCounting<T> extends PTransform<PCollection<T>, PCollection<T>> {
    private final Class<?> namespace;
    private final String duplicatesCounter;
    private final String keptCounter;
    private final Coder<T> coder;

    private DistinctCounting(Class<?> namespace, String duplicatesCounter, String keptCounter, Coder<T> coder) {
      this.namespace = namespace;
      this.duplicatesCounter = duplicatesCounter;
      this.keptCounter = keptCounter;
      this.coder = coder;
    }

    @Override
    public PCollection<T> expand(PCollection<T> input) {
      return input
          .apply("CountCopies", Count.perElement())
          .apply("KeepOneCopy", ParDo.of(new KeepOneFn<T>(namespace, duplicatesCounter, keptCounter)))
          .setCoder(coder);
    }
  }

  private static final class KeepOneFn<T> extends DoFn<KV<T, Long>, T> {
    private final Counter duplicates;
    private final Counter kept;

    KeepOneFn(Class<?> namespace, String duplicatesCounter, String keptCounter) {
      this.duplicates = Metrics.counter(namespace, duplicatesCounter);
      this.kept = Metrics.counter(namespace, keptCounter);
    }

    @ProcessElement
    public void processElement(@Element KV<T, Long> copies, OutputReceiver<T> out) {
      long extra = copies.getValue() - 1;
      if (extra > 0) {
        duplicates.inc(extra);
      }
      kept.inc();
      out.output(copies.getKey());
    }
  }
}
