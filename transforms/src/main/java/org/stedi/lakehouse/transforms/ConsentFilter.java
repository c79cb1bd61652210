package org.stedi.lakehouse.transforms;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.stedi.lakehouse.model.Customer;

/**
 * customer_trusted's rule: for each email, the customer's current record, kept only if it has
 * research consent.
 *
 * <p><b>Input:</b> customer records in any order, any number per email (re-registrations,
 * updates, exact duplicates). Emails are compared trimmed and case-insensitively.
 *
 * <p><b>Output:</b> at most one record per normalised email: the record with the greatest
 * {@code lastUpdateDate} (a missing date counts as older than any date), emitted unchanged, and only
 * if its {@code shareWithResearchAsOfDate} is set. An older record that consented does not rescue a
 * current record that withdrew. Ties on {@code lastUpdateDate} are broken so that the result never
 * depends on input order: a record without research consent wins over one with it (privacy first);
 * remaining ties go to the greater value of the other fields in column order, strings compared by
 * UTF-16 code units, an absent value lowest.
 *
 * <p><b>Scale:</b> the records are grouped into bounded-size buckets of about a hundred thousand
 * records by a hash of the normalised email (all records of one email meet in one bucket), and each
 * bucket is streamed once, keeping only the current record per email in a map. Memory per bucket is
 * bounded by its distinct emails, however many records one email has; the number of shuffle groups
 * grows with the data, not with the number of customers.
 *
 * <p>{@link #perEmail} applies the same rule to records of any type keyed by email, for data that
 * has no {@link Customer} records.
 *
 * <p><b>Counters</b> (namespace {@code ConsentFilter}): {@code records} (input),
 * {@code currentRecords} (distinct emails), {@code withoutConsent} (current records dropped),
 * {@code kept}. Superseded records = {@code records - currentRecords}.
 *
 * <p><b>Batch only:</b> every input must be bounded; {@code expand} throws an {@link
 * IllegalArgumentException} naming an unbounded one. (Unless {@code --buckets} fixes their number, the buckets
 * are sized from the whole input: see {@link GroupingOptions}.)
 */
public final class ConsentFilter extends PTransform<PCollection<Customer>, PCollection<Customer>> {

  /** Counter: the input records. */
  public static final String RECORDS = "records";

  /** Counter: the current records, one per distinct normalised email. */
  public static final String CURRENT_RECORDS = "currentRecords";

  /** Counter: the current records dropped for want of research consent. */
  public static final String WITHOUT_CONSENT = "withoutConsent";

  /** Counter: the records emitted (current and consenting). */
  public static final String KEPT = "kept";

  /**
   * The order of records of one email: the current record is the greatest. Total on all fields, so
   * the choice is deterministic.
   */
  public static final Comparator<Customer> CURRENT_RECORD_ORDER =
      Comparator.comparing(Customer::lastUpdateDate, Comparator.nullsFirst(Comparator.<Long>naturalOrder()))
          .thenComparing(c -> c.sharesWithResearch() ? 0 : 1)
          .thenComparing(Customer::customerName, nullsFirst())
          .thenComparing(Customer::email)
          .thenComparing(Customer::phone, nullsFirst())
          .thenComparing(Customer::birthDay, nullsFirst())
          .thenComparing(Customer::serialNumber)
          .thenComparing(Customer::registrationDate, nullsFirst())
          .thenComparing(Customer::shareWithResearchAsOfDate, nullsFirst())
          .thenComparing(Customer::shareWithPublicAsOfDate, nullsFirst())
          .thenComparing(Customer::shareWithFriendsAsOfDate, nullsFirst());

  private ConsentFilter() {}

  /** The filter with its only behaviour: current record per email, consenting only. */
  public static ConsentFilter create() {
    return new ConsentFilter();
  }

  /**
   * The same filter on records of any type keyed by email: {@code KV(email, record)}, with the two
   * dates the rule needs read from the record (epoch milliseconds, null when absent). See {@link
   * PerEmail}.
   */
  public static <V> PerEmail<V> perEmail(
      SerializableFunction<V, Long> lastUpdateDate, SerializableFunction<V, Long> shareWithResearchAsOfDate) {
    return new PerEmail<>(
        requireNonNull(lastUpdateDate, "lastUpdateDate"),
        requireNonNull(shareWithResearchAsOfDate, "shareWithResearchAsOfDate"));
  }

  @Override
  public PCollection<Customer> expand(PCollection<Customer> customers) {
    BatchInputs.requireBounded("ConsentFilter", customers);
    return keepCurrentConsenting(customers, Customer.Coder.of(), new CustomerRule());
  }

  /**
   * customer_trusted's rule on records keyed by email: for each email, the current record, kept only
   * if it has research consent.
   *
   * <p><b>Input:</b> {@code KV(email, record)} in any order, any number per email. Emails are
   * compared trimmed and case-insensitively.
   *
   * <p><b>Output:</b> at most one element per normalised email, emitted unchanged with the input's
   * coder: the one whose record has the greatest {@code lastUpdateDate} (a null date counts as older
   * than any date), and only if its {@code shareWithResearchAsOfDate} is not null. Ties on {@code
   * lastUpdateDate} go to a record without consent (privacy first), then to the greater consent
   * date, then to the element whose encoding under the input's coder is greater (bytes compared
   * unsigned), so that the result never depends on input order.
   *
   * <p><b>Scale</b> and <b>counters</b> as {@link ConsentFilter}'s. <b>Batch only</b>, as {@link
   * ConsentFilter}.
   */
  public static final class PerEmail<V> extends PTransform<PCollection<KV<String, V>>, PCollection<KV<String, V>>> {
    private final SerializableFunction<V, Long> lastUpdateDate;
    private final SerializableFunction<V, Long> shareWithResearchAsOfDate;

    private PerEmail(SerializableFunction<V, Long> lastUpdateDate, SerializableFunction<V, Long> shareWithResearchAsOfDate) {
      this.lastUpdateDate = lastUpdateDate;
      this.shareWithResearchAsOfDate = shareWithResearchAsOfDate;
    }

    @Override
    public PCollection<KV<String, V>> expand(PCollection<KV<String, V>> records) {
      BatchInputs.requireBounded("ConsentFilter.perEmail", records);
      Coder<KV<String, V>> coder = records.getCoder();
      return keepCurrentConsenting(records, coder, new KeyedRule<>(lastUpdateDate, shareWithResearchAsOfDate, coder));
    }
  }

  private static <T> PCollection<T> keepCurrentConsenting(PCollection<T> records, Coder<T> coder, Rule<T> rule) {
    PCollection<T> counted = records.apply("CountRecords", ParDo.of(new CountRecordsFn<T>())).setCoder(coder);
    Buckets.Count buckets = Buckets.countFor("Customers", List.of(counted));
    return Buckets.assign("BucketByNormalizedEmail", counted, r -> rule.normalizedEmail(r).hashCode(), buckets, coder)
        .apply("GroupBuckets", GroupByKey.create())
        .apply("KeepCurrentConsentingRecords", ParDo.of(new KeepCurrentConsentingFn<>(rule)))
        .setCoder(coder);
  }

  private static <T extends Comparable<? super T>> Comparator<T> nullsFirst() {
    return Comparator.nullsFirst(Comparator.naturalOrder());
  }

  /** What the filter needs of a record: its email, its consent, and which of two records is current. */
  private abstract static class Rule<T> implements Serializable {
    abstract String normalizedEmail(T record);

    abstract boolean consents(T record);

    /** Positive when {@code a} is more current than {@code b}; 0 only for equal records. */
    abstract int compare(T a, T b);
  }

  private static final class CustomerRule extends Rule<Customer> {
    @Override
    String normalizedEmail(Customer customer) {
      return customer.normalizedEmail();
    }

    @Override
    boolean consents(Customer customer) {
      return customer.sharesWithResearch();
    }

    @Override
    int compare(Customer a, Customer b) {
      return CURRENT_RECORD_ORDER.compare(a, b);
    }
  }

  private static final class KeyedRule<V> extends Rule<KV<String, V>> {
    private final SerializableFunction<V, Long> lastUpdateDate;
    private final SerializableFunction<V, Long> consentDate;
    private final Coder<KV<String, V>> coder;

    KeyedRule(SerializableFunction<V, Long> lastUpdateDate, SerializableFunction<V, Long> consentDate, Coder<KV<String, V>> coder) {
      this.lastUpdateDate = lastUpdateDate;
      this.consentDate = consentDate;
      this.coder = coder;
    }

    @Override
    String normalizedEmail(KV<String, V> record) {
      return Customer.normalizeEmail(record.getKey());
    }

    @Override
    boolean consents(KV<String, V> record) {
      return consentDate.apply(record.getValue()) != null;
    }

    @Override
    int compare(KV<String, V> a, KV<String, V> b) {
      int order = compareNullsFirst(lastUpdateDate.apply(a.getValue()), lastUpdateDate.apply(b.getValue()));
      if (order != 0) {
        return order;
      }
      Long consentA = consentDate.apply(a.getValue());
      Long consentB = consentDate.apply(b.getValue());
      order = Boolean.compare(consentA == null, consentB == null);
      if (order != 0) {
        return order;
      }
      order = compareNullsFirst(consentA, consentB);
      return order != 0 ? order : Arrays.compareUnsigned(encode(a), encode(b));
    }

    private static int compareNullsFirst(Long a, Long b) {
      if (a == null || b == null) {
        return a == null ? (b == null ? 0 : -1) : 1;
      }
      return Long.compare(a, b);
    }

    private byte[] encode(KV<String, V> record) {
      try {
        return CoderUtils.encodeToByteArray(coder, record);
      } catch (CoderException e) {
        throw new IllegalStateException("cannot encode " + record + " with " + coder, e);
      }
    }
  }

  private static final class CountRecordsFn<T> extends DoFn<T, T> {
    private final Counter records = Metrics.counter(ConsentFilter.class, RECORDS);

    @ProcessElement
    public void processElement(@Element T record, OutputReceiver<T> out) {
      records.inc();
      out.output(record);
    }
  }

  private static final class KeepCurrentConsentingFn<T> extends DoFn<KV<Integer, Iterable<T>>, T> {
    private final Rule<T> rule;
    private final Counter currentRecords = Metrics.counter(ConsentFilter.class, CURRENT_RECORDS);
    private final Counter withoutConsent = Metrics.counter(ConsentFilter.class, WITHOUT_CONSENT);
    private final Counter kept = Metrics.counter(ConsentFilter.class, KEPT);

    KeepCurrentConsentingFn(Rule<T> rule) {
      this.rule = rule;
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, Iterable<T>> bucket, OutputReceiver<T> out) {
      Map<String, T> current = new HashMap<>();
      for (T record : bucket.getValue()) {
        current.merge(rule.normalizedEmail(record), record, (a, b) -> rule.compare(a, b) >= 0 ? a : b);
      }
      for (T customer : current.values()) {
        currentRecords.inc();
        if (rule.consents(customer)) {
          kept.inc();
          out.output(customer);
        } else {
          withoutConsent.inc();
        }
      }
    }
  }
}
